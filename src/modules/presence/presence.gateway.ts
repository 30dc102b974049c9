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
import { AppError } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { OBJECT_ID_PATTERN } from '../../common/validation/object-id';
import { AppConfig } from '../../config/app-config';
import { SessionsService } from '../auth/sessions.service';
import { PresenceServer, PresenceSocket, userRoom } from './presence.events';
import { PresenceService } from './presence.service';
import { PRESENCE_HEARTBEAT_MS, PresenceStore } from './presence.store';
import { handshakeTokens, socketCookie } from './socket-credentials';

/**
 * Socket.io presence. The SPA opens one socket per tab and never recreates it, and
 * socket.io-client never retries a handshake the server refused, so no handshake is refused:
 *
 * - A socket is bound at the handshake to the session of an access JWT with our signature
 *   (expired or not) whose session is live: from the access cookie, else from the socket cookie
 *   this gateway sets (see `socket-credentials.ts`). Bound sockets join `user:<id>` and count
 *   towards the user being online.
 * - Otherwise it connects *parked*: no identity, no rooms, one `authRequired` event.
 * - A socket whose session ends is parked at once (see `PresenceService`), then its transport is
 *   closed so the client reconnects with the browser's current cookies.
 * - `register` on a parked socket closes its transport the same way: the SPA emits it after a
 *   login, so the reconnect carries the new cookie.
 */
@WebSocketGateway()
export class PresenceGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger(PresenceGateway.name);
  private heartbeat?: NodeJS.Timeout;
  /** Set on shutdown: sockets dropped by our own close are not "going offline" (they reconnect elsewhere). */
  private closing = false;

  @WebSocketServer() server!: PresenceServer;

  constructor(
    private readonly auth: SessionsService,
    private readonly presence: PresenceService,
    private readonly store: PresenceStore,
    private readonly config: AppConfig,
  ) {}

  afterInit(server: PresenceServer): void {
    this.presence.attach(server);
    server.use((socket: PresenceSocket, next) => {
      this.identify(socket).then(
        () => next(),
        (error: unknown) => {
          this.logger.error({ msg: 'Socket identification failed', err: error });
          socket.data.retry = true;
          next();
        },
      );
    });
    server.engine.on('initial_headers', (headers: Record<string, string>, req: IncomingMessage) =>
      this.setSocketCookie(headers, req),
    );
    this.heartbeat = setInterval(() => void this.refreshLocalSockets(), PRESENCE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Drops this instance's sockets from Redis while it is still reachable (no events: clients reconnect). */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.presence.stop();
    clearInterval(this.heartbeat);
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
      return;
    }
    await socket.join(userRoom(userId));
    try {
      if (await this.store.add(userId, socket.id))
        await this.presence.announce(userId, 'userOnline');
      socket.emit('onlineList', await this.presence.onlineListFor(userId));
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
    socket.emit('onlineList', await this.presence.onlineListFor(userId));
  }

  /**
   * Heartbeat: extends this instance's bound sockets in Redis and parks those whose session
   * ended without any event reaching them since (so the user stops counting as online).
   */
  async refreshLocalSockets(): Promise<void> {
    const sockets = [...this.server.sockets.sockets.values()].filter((s) => s.data.sessionId);
    const states = await this.presence.sessionStates([
      ...new Set(sockets.map((s) => s.data.sessionId!)),
    ]);
    await Promise.all(
      sockets
        .filter((socket) => states.get(socket.data.sessionId!) === false)
        .map((socket) => this.presence.park(socket, 'session-ended', true)),
    );
    await this.store
      .heartbeat(this.localSockets())
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'Presence heartbeat failed', err: error }),
      );
  }

  /** Binds the socket to a session, or leaves it parked with the reason. Never rejects. */
  private async identify(socket: PresenceSocket): Promise<void> {
    const tokens = handshakeTokens(socket.handshake.headers.cookie);
    let refusal: string | undefined;
    for (const token of tokens) {
      try {
        const { user, sessionId } = await this.auth.authenticateSocketToken(token);
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
   * On the first response of every engine.io connection, (re)sets the socket cookie to the best
   * token we signed, so a later reconnect still has one after the access cookie is gone. Only the
   * signature is checked here (synchronously); the handshake checks the session.
   */
  private setSocketCookie(headers: Record<string, string>, req: IncomingMessage): void {
    const token = handshakeTokens(req.headers.cookie).find((t) => this.auth.isSignedAccessToken(t));
    if (!token) return;
    headers['Set-Cookie'] = socketCookie(token, {
      secure: this.config.auth.cookieSecure,
      sameSite: this.config.auth.cookieSameSite,
      maxAgeMs: this.config.auth.refreshTtlMs,
    });
  }

  private localSockets(): { userId: string; socketId: string }[] {
    if (!this.server) return [];
    return [...this.server.sockets.sockets.values()]
      .filter((socket) => socket.data.userId)
      .map((socket) => ({ userId: socket.data.userId!, socketId: socket.id }));
  }
}
