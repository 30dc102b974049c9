import { Logger, OnModuleDestroy } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { TurnPacer } from '../../common/async/turn-pacer';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { AppError, appError } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { OBJECT_ID_PATTERN } from '../../common/validation/object-id';
import { AppConfig } from '../../config/app-config';
import { SessionsService } from '../auth/sessions.service';
import { MetricsService } from '../metrics/metrics.service';
import { heartbeatPlan } from './heartbeat-plan';
import { PRESENCE_ERRORS } from './presence.errors';
import { PresenceServer, PresenceSocket, userRoom } from './presence.events';
import { PresenceService } from './presence.service';
import { LocalSocket, PresenceStore } from './presence.store';
import {
  handshakeCredentials,
  mintSocketCredential,
  sessionOfSocketCredential,
  socketCookie,
  socketCredentialKey,
  type HandshakeCredentials,
  type SocketSession,
} from './socket-credentials';
import { RESUME_MARK } from './tab-resume';
import { clientIpOf, HandshakeGuard, SocketEventLimiter } from './socket-limits';

type AllowRequest = (
  req: IncomingMessage,
  callback: (err: string | null | undefined, success: boolean) => void,
) => void;

/** Connections identified per event-loop turn (see `PresenceGateway.admissions`). */
const ADMISSIONS_PER_TURN = 4;

/** The client events whose handlers answer an acknowledgement callback (ChatGateway's). */
const ACKNOWLEDGED_EVENTS: ReadonlySet<string> = new Set([
  'joinChat',
  'sendMessage',
  'markRead',
  'typing',
]);

/**
 * Socket.io presence. The SPA opens one socket per tab and never recreates it, and
 * socket.io-client never retries a handshake the server refused, so no handshake is refused:
 *
 * - A socket is bound at the handshake to a live session: the one of a current access JWT (the
 *   access cookie), else the one the socket cookie this gateway sets names (an opaque credential
 *   for sockets only, see `socket-credentials.ts`). Bound sockets join `user:<id>` and count
 *   towards the user being online.
 * - Otherwise it connects *parked*: no identity, no rooms, one `authRequired` event.
 * - A socket whose session ends is parked at once (see `PresenceService`), then its transport is
 *   closed so the client reconnects with the browser's current cookies.
 * - `register` on a parked socket closes its transport the same way: the SPA emits it after a
 *   login, so the reconnect carries the new cookie.
 *
 * Faults and limits (docs/presence.md):
 * - Every instance heartbeats its sockets into Redis and sweeps sockets whose instance stopped
 *   heartbeating (killed): their users go offline (`userOffline`) unless they reconnected.
 * - Per socket, events are rate limited (`SocketEventLimiter`); per user, at most
 *   `SOCKET_MAX_PER_USER` bound sockets (the oldest is disconnected); handshakes without a signed
 *   credential are rate limited per IP and per instance (`HandshakeGuard`), and their parked
 *   sockets are closed after `SOCKET_PARKED_IDLE_MS`.
 */
@WebSocketGateway()
export class PresenceGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger(PresenceGateway.name);
  private heartbeat?: NodeJS.Timeout;
  private sweeper?: NodeJS.Timeout;
  private refreshing = false;
  private readonly handshakes: HandshakeGuard;
  /**
   * Connections identified a few per event-loop turn: identifying one and registering its
   * presence costs about a millisecond, and a burst of them (a reconnect storm, 50 at once in the
   * benchmark) would otherwise continue together, turn after turn, and hold the loop that long.
   */
  private readonly admissions = new TurnPacer(ADMISSIONS_PER_TURN, (error) =>
    this.logger.error({ msg: 'Socket admission failed', err: error }),
  );
  private readonly socketKey: Buffer;
  /** Set on shutdown: sockets dropped by our own close are not "going offline" (they reconnect elsewhere). */
  private closing = false;
  /** Events received with an acknowledgement callback not called yet (a chat send being stored). */
  private acksPending = 0;

  @WebSocketServer() server!: PresenceServer;

  constructor(
    private readonly auth: SessionsService,
    private readonly presence: PresenceService,
    private readonly store: PresenceStore,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.socketKey = socketCredentialKey(config.auth.refreshSecret);
    this.handshakes = new HandshakeGuard(
      config.sockets.anonHandshakesPerIpPerMinute,
      config.sockets.anonHandshakesPerSecond,
    );
  }

  afterInit(server: PresenceServer): void {
    this.presence.attach(server);
    this.metrics.observeSocketServer(server);
    this.guardHandshakes(server);
    server.use((socket: PresenceSocket, next) =>
      this.admissions.run(() => this.admit(socket, next)),
    );
    server.engine.on('initial_headers', (headers: Record<string, string>, req: IncomingMessage) =>
      this.setSocketCookie(headers, req),
    );
    const { heartbeatMs, sweepMs } = this.config.presence;
    this.heartbeat = setInterval(() => void this.refreshLocalSockets(), heartbeatMs);
    this.heartbeat.unref();
    this.sweeper = setInterval(() => void this.sweepExpiredSockets(), sweepMs);
    this.sweeper.unref();
  }

  /** Sets up a connection's limits and identity, then lets socket.io go on with it (`next`). */
  private admit(socket: PresenceSocket, next: (error?: Error) => void): void {
    const retry = (error: unknown) => {
      this.logger.error({ msg: 'Socket identification failed', err: error });
      socket.data.retry = true;
      next();
    };
    try {
      this.limitEvents(socket);
      this.countPendingAcks(socket);
      this.identify(socket).then(() => next(), retry);
    } catch (error) {
      // Never left waiting for socket.io's connect timeout: its transport is closed (client retries).
      retry(error);
    }
  }

  /**
   * Shutdown, before the app closes (the listener already refuses new connections): lets events
   * being handled reach their acknowledgement, bounded by `deadline` (ms since the epoch), then
   * closes every socket's transport. Clients see a transport close and reconnect by themselves,
   * through the load balancer to another instance; an event whose acknowledgement never came is
   * sent again there (chat sends are idempotent by `clientMessageId`).
   */
  async drain(deadline: number): Promise<void> {
    this.closing = true;
    while (this.acksPending > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const leaving = this.localSockets();
    this.logger.log({
      msg: 'Draining sockets',
      sockets: this.server?.sockets.sockets.size ?? 0,
      acksPending: this.acksPending,
    });
    for (const socket of this.server?.sockets.sockets.values() ?? []) socket.conn.close();
    await this.store
      .forget(leaving)
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'Presence clean-up on drain failed', err: error }),
      );
  }

  /** Drops this instance's sockets from Redis while it is still reachable (no events: clients reconnect). */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.presence.stop();
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
    await this.store
      .forget(this.localSockets())
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'Presence clean-up on shutdown failed', err: error }),
      );
  }

  async handleConnection(socket: PresenceSocket): Promise<void> {
    // The credential could not be checked: a closed transport makes the client retry (backoff).
    if (socket.data.retry) return void socket.conn.close();
    const { userId } = socket.data;
    if (!userId) {
      const message = socket.data.authError ?? COMMON_ERRORS.authRequired.message;
      this.logger.debug({ msg: 'Socket connected parked', reason: message, socketId: socket.id });
      socket.emit('authRequired', { message });
      this.closeWhenIdle(socket);
      return;
    }
    await socket.join(userRoom(userId));
    try {
      const limit = this.config.sockets.maxPerUser;
      const { cameOnline, evicted } = await this.store.connect(userId, socket.id, {
        connectedAt: socket.handshake.issued,
        maxPerUser: limit,
      });
      this.presence.evict(evicted, limit);
      // One read of the connections serves both the announcement and the online list.
      const connectionIds = await this.presence.connectionsOf(userId);
      if (cameOnline) await this.presence.announce(userId, 'userOnline', connectionIds);
      socket.emit(
        'onlineList',
        await this.presence.onlineListFor(userId, connectionIds),
        RESUME_MARK,
      );
    } catch (error) {
      this.logger.error({ msg: 'Presence registration failed', userId, err: error });
    }
  }

  async handleDisconnect(socket: PresenceSocket): Promise<void> {
    const { userId } = socket.data;
    if (!userId || this.closing) return;
    try {
      if (await this.store.remove(userId, socket.id))
        await this.presence.announce(userId, 'userOffline');
    } catch (error) {
      this.logger.error({ msg: 'Presence removal failed', userId, err: error });
    }
  }

  /**
   * The SPA emits `register` with its user id on mount and after every login. The id is never
   * trusted: on a socket still bound to a live session of that user it only re-sends the online
   * list; on a parked socket, a socket of an ended session, or a socket of another user, it closes
   * the transport so the client reconnects with the browser's current cookies.
   */
  @SubscribeMessage('register')
  async register(socket: PresenceSocket, claimedUserId: unknown): Promise<void> {
    const { userId, sessionId } = socket.data;
    if (!userId || !sessionId) return void socket.conn.close();
    if (
      typeof claimedUserId === 'string' &&
      OBJECT_ID_PATTERN.test(claimedUserId) &&
      claimedUserId.toLowerCase() !== userId
    ) {
      return this.presence.park(socket, 'register-other-user', true);
    }
    // A failed check keeps the socket (deliveries check the session again anyway).
    if (!(await this.auth.isSessionActive(sessionId).catch(() => true))) {
      return this.presence.park(socket, 'session-ended', true);
    }
    socket.emit('onlineList', await this.presence.onlineListFor(userId), RESUME_MARK);
  }

  /**
   * Heartbeat: extends this instance's bound sockets in Redis and parks those whose session
   * ended without any event reaching them since (so the user stops counting as online). The
   * sockets are walked in slices paced over part of the interval (`heartbeatPlan`): one burst
   * of a session check and a Redis write per socket would hold the event loop for hundreds of
   * milliseconds at 10,000 sockets. A round still running when the next is due is not doubled.
   */
  async refreshLocalSockets(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const entries = this.localSockets();
      const { sliceSize, pauseMs } = heartbeatPlan(
        entries.length,
        this.config.presence.heartbeatMs,
      );
      for (let start = 0; start < entries.length && !this.closing; start += sliceSize) {
        if (start > 0) await sleep(pauseMs);
        await this.refreshSlice(entries.slice(start, start + sliceSize));
      }
    } finally {
      this.refreshing = false;
    }
  }

  private async refreshSlice(slice: LocalSocket[]): Promise<void> {
    const local = this.server.sockets.sockets;
    const sockets = slice
      .map(({ socketId }) => local.get(socketId))
      .filter((socket): socket is PresenceSocket => !!socket?.data.sessionId);
    // One batched check for the slice; when it fails, every socket is kept (state unknown).
    const live = await this.auth
      .activeSessionIds([...new Set(sockets.map((s) => s.data.sessionId!))])
      .catch((error: unknown) => {
        this.logger.error({ msg: 'Session check failed', err: error });
        return undefined;
      });
    if (live) {
      await Promise.all(
        sockets
          .filter((socket) => !live.has(socket.data.sessionId!))
          .map((socket) => this.presence.park(socket, 'session-ended', true)),
      );
    }
    const entries = slice.filter(({ socketId }) => local.get(socketId)?.data.userId);
    const back = await this.store.heartbeat(entries).catch((error: unknown) => {
      this.logger.warn({ msg: 'Presence heartbeat failed', err: error });
      return [];
    });
    // Sockets that disconnected while the heartbeat ran were written back: remove them again.
    const gone = entries.filter(({ socketId }) => !local.get(socketId)?.data.userId);
    await this.store
      .forget(gone)
      .catch((error: unknown) => this.logger.warn({ msg: 'Presence clean-up failed', err: error }));
    // A sweep took these users offline while this instance stalled: they are back.
    const returned = new Set(back.filter((s) => !gone.includes(s)).map((s) => s.userId));
    for (const userId of returned) {
      await this.presence
        .announce(userId, 'userOnline')
        .catch((error: unknown) =>
          this.logger.error({ msg: 'Presence announcement failed', userId, err: error }),
        );
    }
  }

  /**
   * Removes sockets whose instance stopped heartbeating (killed, frozen) and announces
   * `userOffline` for users left without a live socket. Every instance sweeps; each expired
   * socket is claimed once (see `PresenceStore.sweep`).
   */
  async sweepExpiredSockets(): Promise<void> {
    try {
      const { removed, wentOffline } = await this.store.sweep();
      if (removed > 0) {
        this.logger.log({ msg: 'Expired sockets swept', removed, wentOffline: wentOffline.length });
      }
      for (const userId of wentOffline) await this.presence.announce(userId, 'userOffline');
    } catch (error) {
      this.logger.warn({ msg: 'Presence sweep failed', err: error });
    }
  }

  /**
   * Rate limits handshakes that carry no credential signed by us, per client IP and per
   * instance (`HandshakeGuard`), after the adapter's origin check. Refused: engine.io answers
   * 403 and socket.io-client retries with its backoff (unlike a refused namespace connection).
   */
  private guardHandshakes(server: PresenceServer): void {
    const opts = server.engine.opts as { allowRequest?: AllowRequest };
    const checkOrigin = opts.allowRequest;
    const admit: AllowRequest = (req, callback) => {
      const signed = this.signedSessionOf(handshakeCredentials(req.headers.cookie));
      if (signed) return callback(null, true);
      const ip = clientIpOf(req, this.config.trustProxyHops);
      if (this.handshakes.admitAnonymous(ip)) return callback(null, true);
      this.logger.debug({ msg: 'Anonymous socket handshake refused (rate limit)', ip });
      callback(PRESENCE_ERRORS.handshakeLimited.message, false);
    };
    opts.allowRequest = (req, callback) => {
      if (!checkOrigin) return admit(req, callback);
      checkOrigin(req, (err, success) => (success ? admit(req, callback) : callback(err, false)));
    };
  }

  /**
   * Per-socket event rate limit (token bucket over every event). A dropped event with an
   * acknowledgement callback is answered `{ ok: false, error }`; the client gets at most one
   * `rateLimited` per second; a socket that keeps flooding has its transport closed.
   */
  private limitEvents(socket: PresenceSocket): void {
    const { eventsPerSecond, eventBurst } = this.config.sockets;
    const limiter = new SocketEventLimiter(eventsPerSecond, eventBurst);
    socket.use((packet, next) => {
      const verdict = limiter.check();
      if (verdict === 'allow') return next();
      const message = PRESENCE_ERRORS.tooManyEvents.message;
      const ack: unknown = packet[packet.length - 1];
      if (typeof ack === 'function')
        (ack as (answer: unknown) => void)({ ok: false, error: message });
      if (verdict === 'notify') {
        const event = typeof packet[0] === 'string' ? packet[0] : 'unknown';
        socket.emit('rateLimited', { event, message, retryAfterMs: limiter.retryAfterMs() });
      } else if (verdict === 'close') {
        this.logger.warn({
          msg: 'Socket closed: event flood',
          userId: socket.data.userId,
          socketId: socket.id,
        });
        socket.conn.close();
      }
    });
  }

  /**
   * Counts events waiting for their acknowledgement, so a drain can let them finish. Only events
   * our handlers acknowledge count (any other event with a callback would hold a drain to its
   * deadline); a handler that fails never acknowledges: a socket's count is released when it
   * disconnects, and a drain waits no longer than its deadline.
   */
  private countPendingAcks(socket: PresenceSocket): void {
    let pending = 0;
    let gone = false;
    socket.once('disconnect', () => {
      gone = true;
      this.acksPending -= pending;
      pending = 0;
    });
    socket.use((packet, next) => {
      const last = packet.length - 1;
      const ack: unknown = packet[last];
      if (typeof ack === 'function' && !gone && ACKNOWLEDGED_EVENTS.has(packet[0])) {
        pending++;
        this.acksPending++;
        let answered = false;
        packet[last] = (...answer: unknown[]) => {
          if (!answered && !gone) {
            pending--;
            this.acksPending--;
          }
          answered = true;
          (ack as (...args: unknown[]) => void)(...answer);
        };
      }
      next();
    });
  }

  /** A socket parked at the handshake is closed after SOCKET_PARKED_IDLE_MS (it reconnects). */
  private closeWhenIdle(socket: PresenceSocket): void {
    const timer = setTimeout(() => {
      if (!socket.data.userId && socket.connected) socket.conn.close();
    }, this.config.sockets.parkedIdleMs);
    timer.unref();
    socket.once('disconnect', () => clearTimeout(timer));
  }

  /** Binds the socket to a session, or leaves it parked with the reason. Never rejects. */
  private async identify(socket: PresenceSocket): Promise<void> {
    const { accessToken, socketToken } = handshakeCredentials(socket.handshake.headers.cookie);
    // The browser's current login first: after a logout and login in the same tab, the socket
    // cookie still names the old session.
    const attempts: Array<() => Promise<AuthenticatedUser>> = [];
    if (accessToken) attempts.push(() => this.auth.authenticateAccessToken(accessToken));
    if (socketToken) {
      const named = sessionOfSocketCredential(this.socketKey, socketToken);
      attempts.push(() =>
        named
          ? this.auth.authenticateSession(named.sessionId, named.userId)
          : Promise.reject(appError(COMMON_ERRORS.accessTokenInvalid)),
      );
    }
    let refusal: string | undefined;
    for (const attempt of attempts) {
      try {
        const { user, sessionId } = await attempt();
        socket.data.userId = user._id.toHexString();
        socket.data.firstName = user.firstName;
        socket.data.sessionId = sessionId.toHexString();
        return;
      } catch (error) {
        if (!(error instanceof AppError)) {
          this.logger.warn({ msg: 'Socket authentication failed; client will retry', err: error });
          socket.data.retry = true;
          return;
        }
        refusal ??= error.message;
      }
    }
    socket.data.authError = refusal ?? COMMON_ERRORS.authRequired.message;
  }

  /**
   * The session a handshake's credentials name, checking only what is synchronous (signatures,
   * expiry); the handshake then checks the session itself.
   */
  private signedSessionOf({
    accessToken,
    socketToken,
  }: HandshakeCredentials): SocketSession | undefined {
    return (
      (accessToken && this.auth.sessionOfAccessToken(accessToken)) ||
      (socketToken && sessionOfSocketCredential(this.socketKey, socketToken)) ||
      undefined
    );
  }

  /**
   * On the first response of every engine.io connection, (re)sets the socket cookie for the
   * session the handshake names, so a later reconnect still has a credential after the access
   * cookie is gone.
   */
  private setSocketCookie(headers: Record<string, string>, req: IncomingMessage): void {
    const session = this.signedSessionOf(handshakeCredentials(req.headers.cookie));
    if (!session) return;
    headers['Set-Cookie'] = socketCookie(mintSocketCredential(this.socketKey, session), {
      secure: this.config.auth.cookieSecure,
      sameSite: this.config.auth.cookieSameSite,
      maxAgeMs: this.config.auth.refreshTtlMs,
    });
  }

  private localSockets(): LocalSocket[] {
    if (!this.server) return [];
    return [...this.server.sockets.sockets.values()]
      .filter((socket) => socket.data.userId)
      .map((socket) => ({
        userId: socket.data.userId!,
        socketId: socket.id,
        connectedAt: socket.handshake.issued,
      }));
  }
}
