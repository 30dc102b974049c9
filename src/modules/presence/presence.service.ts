import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { SessionsService } from '../auth/sessions.service';
import { blockDirection, presenceVisible } from '../blocks/block.rules';
import { BlocksRepository } from '../blocks/blocks.repository';
import { ConnectionsRepository } from '../connections/connections.repository';
import {
  Delivery,
  DELIVER_EVENT,
  EVICT_EVENT,
  Notification,
  PresenceServer,
  PresenceSocket,
  ServerEvent,
  ServerEventPayload,
  userRoom,
} from './presence.events';
import { PRESENCE_ERRORS } from './presence.errors';
import { PresenceStore } from './presence.store';

const MAX_EVENTS_BEFORE_ATTACH = 10_000;

/** Session states by id; `undefined` when the check itself failed. */
export type SessionStates = Map<string, boolean | undefined>;

/**
 * What other modules inject to reach users live, and the rules of who receives what.
 *
 * Every event for a user goes to every instance (`serverSideEmit`), and each instance writes it
 * to its own sockets of that user only after checking their sessions. So a socket whose session
 * was revoked (logout, password change, token reuse) receives nothing from the moment the
 * revocation returned, on any instance, and is parked on the spot. Deliveries are checked in
 * batches and written in the order they were sent.
 */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);
  private server?: PresenceServer;
  /** Events sent before the gateway attached the server (start-up), delivered on attach. */
  private beforeAttach: Delivery[] = [];
  private pending: Delivery[] = [];
  private draining?: Promise<void>;
  /** Set on shutdown: the adapter's Redis clients are closing, and a publish would then reject
   * inside the adapter, where nothing can catch it. */
  private closing = false;

  constructor(
    private readonly auth: SessionsService,
    private readonly store: PresenceStore,
    private readonly connections: ConnectionsRepository,
    private readonly blocks: BlocksRepository,
  ) {}

  attach(server: PresenceServer): void {
    this.server = server;
    server.on(DELIVER_EVENT, (delivery) => this.deliverLocally(delivery));
    server.on(EVICT_EVENT, (eviction) => this.evictLocally(eviction));
    for (const delivery of this.beforeAttach.splice(0)) this.publish(delivery);
  }

  stop(): void {
    this.closing = true;
  }

  notify(userId: string, notification: Notification): void {
    this.emitToUsers([userId], 'newNotification', notification);
  }

  /** Sends `event` to every live socket of these users, on every instance. Never throws. */
  emitToUsers<E extends ServerEvent>(
    userIds: string[],
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    if (userIds.length === 0 || this.closing) return;
    const delivery: Delivery<E> = { userIds, event, payload };
    if (!this.server) {
      // Start-up: nothing is dropped; bounded so a server that never attaches cannot grow it.
      if (this.beforeAttach.length < MAX_EVENTS_BEFORE_ATTACH) this.beforeAttach.push(delivery);
      else this.logger.warn({ msg: 'Socket server not attached; event dropped', event });
      return;
    }
    this.publish(delivery);
  }

  private publish(delivery: Delivery): void {
    const { event } = delivery;
    try {
      this.server?.serverSideEmit(DELIVER_EVENT, delivery);
    } catch (error) {
      this.logger.error({
        msg: 'Publishing an event to other instances failed',
        event,
        err: error,
      });
    }
    this.deliverLocally(delivery);
  }

  /**
   * Disconnects these sockets for good, on whichever instance holds them (a user's oldest sockets
   * over `SOCKET_MAX_PER_USER`). A final disconnect, not a transport close: socket.io-client does
   * not reconnect it, so the user's newer tabs are not pushed out in turn.
   */
  evict(socketIds: string[], limit: number): void {
    if (socketIds.length === 0 || !this.server || this.closing) return;
    const eviction = { socketIds, limit };
    try {
      this.server.serverSideEmit(EVICT_EVENT, eviction);
    } catch (error) {
      this.logger.error({ msg: 'Publishing an eviction to other instances failed', err: error });
    }
    this.evictLocally(eviction);
  }

  private evictLocally({ socketIds, limit }: { socketIds: string[]; limit: number }): void {
    for (const socketId of socketIds) {
      const socket = this.server?.sockets.sockets.get(socketId);
      if (!socket) continue;
      socket.emit('connectionLimit', { message: PRESENCE_ERRORS.tooManySockets.message, limit });
      this.logger.log({
        msg: 'Socket disconnected: over the per-user cap',
        userId: socket.data.userId,
        socketId,
        limit,
      });
      socket.disconnect(true);
    }
  }

  /**
   * After every session of the user was revoked (account deletion): each instance checks the
   * sessions of the user's sockets now instead of at its next heartbeat, and parks them and
   * closes their transports, as it does after a logout. The event sent is the one a parked
   * socket's user is announced with; a socket found revoked never receives it.
   */
  endSocketsOf(userId: string): void {
    this.emitToUsers([userId], 'userOffline', userId);
  }

  /** A request was accepted: each side learns whether the other is online right now. */
  connectionAdded(userA: string, userB: string): void {
    this.store.onlineAmong([userA, userB]).then(
      (online) => {
        if (online.includes(userA)) this.emitToUsers([userB], 'userOnline', userA);
        if (online.includes(userB)) this.emitToUsers([userA], 'userOnline', userB);
      },
      (error: unknown) =>
        this.logger.error({ msg: 'Presence for a new connection failed', err: error }),
    );
  }

  /** A connection was removed: they stop seeing each other (clears the SPA's online dots). */
  connectionRemoved(userA: string, userB: string): void {
    this.emitToUsers([userB], 'userOffline', userA);
    this.emitToUsers([userA], 'userOffline', userB);
  }

  /** Tells the user and their accepted connections that the user came online or went offline. */
  async announce(
    userId: string,
    event: 'userOnline' | 'userOffline',
    connectionIds?: Types.ObjectId[],
  ): Promise<void> {
    const ids = connectionIds ?? (await this.connectionsOf(userId));
    this.emitToUsers([userId, ...ids.map(String)], event, userId);
  }

  /**
   * Online connections plus the user (contract §5.3, limited to connections per §10 #39).
   * `connectionIds` when the caller already read them (a handshake that also announces).
   */
  async onlineListFor(userId: string, connectionIds?: Types.ObjectId[]): Promise<string[]> {
    const ids = connectionIds ?? (await this.connectionsOf(userId));
    return this.store.onlineAmong([userId, ...ids]);
  }

  /**
   * The user's accepted connections (one indexed read), less anyone across a block: a block
   * deletes the connection, and this keeps a connection that raced it from showing presence.
   */
  async connectionsOf(userId: string): Promise<Types.ObjectId[]> {
    const id = new Types.ObjectId(userId);
    const [accepted, blocks] = await Promise.all([
      this.connections.acceptedIds(id),
      this.blocks.of(id),
    ]);
    return accepted.filter((other) => presenceVisible(blockDirection(blocks, other)));
  }

  async sessionStates(sessionIds: string[]): Promise<SessionStates> {
    const states = await Promise.all(
      sessionIds.map((id) =>
        this.auth.isSessionActive(id).then(
          (active) => [id, active] as const,
          (error: unknown) => {
            this.logger.error({ msg: 'Session check failed', sessionId: id, err: error });
            return [id, undefined] as const;
          },
        ),
      ),
    );
    return new Map(states);
  }

  /**
   * Parks a socket: out of every room at once (nothing more reaches it), no identity, no longer
   * counted online. With `reconnect`, its transport is then closed: socket.io-client reconnects
   * by itself, and the new handshake reads whatever cookies the browser holds now (a new login
   * after a logout or a password change); without a valid one it connects parked again.
   * `socket.disconnect()` would be final for the client, so it is never used.
   */
  async park(socket: PresenceSocket, reason: string, reconnect: boolean): Promise<void> {
    const { userId, sessionId } = socket.data;
    if (userId) {
      const message = COMMON_ERRORS.accessTokenInvalid.message;
      socket.data = { authError: message };
      for (const room of [...socket.rooms]) if (room !== socket.id) void socket.leave(room);
      socket.emit('authRequired', { message });
      this.logger.log({ msg: 'Socket parked', reason, userId, sessionId, socketId: socket.id });
    }
    if (reconnect) socket.conn.close();
    if (!userId) return;
    try {
      if (await this.store.remove(userId, socket.id)) await this.announce(userId, 'userOffline');
    } catch (error) {
      this.logger.error({ msg: 'Presence removal failed', userId, err: error });
    }
  }

  /** Resolves once every delivery queued so far has been written (for shutdown and tests). */
  async drained(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private deliverLocally(delivery: Delivery): void {
    this.pending.push(delivery);
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.deliverBatch(batch);
      } catch (error) {
        this.logger.error({ msg: 'Event delivery failed', err: error });
      }
    }
    this.draining = undefined;
  }

  private async deliverBatch(batch: Delivery[]): Promise<void> {
    const targets = batch.map((delivery) => ({
      delivery,
      sockets: this.localSocketsOf(delivery.userIds),
    }));
    const sessionIds = new Set(targets.flatMap(({ sockets }) => sockets.map(sessionOf)));
    if (sessionIds.size === 0) return;
    const states = await this.sessionStates([...sessionIds]);
    for (const { delivery, sockets } of targets) {
      for (const socket of sockets) {
        const sessionId = socket.data.sessionId; // re-read: parked while we checked?
        if (!sessionId || !socket.connected) continue;
        const active = states.get(sessionId);
        if (active === true) emit(socket, delivery);
        else if (active === false) void this.park(socket, 'session-ended', true);
        // undefined: unknown state (check failed): this event is dropped, the socket kept.
      }
    }
  }

  /** This instance's bound sockets in the rooms of these users. */
  private localSocketsOf(userIds: string[]): PresenceSocket[] {
    if (!this.server) return [];
    const namespace = this.server.sockets;
    const found = new Set<PresenceSocket>();
    for (const userId of userIds) {
      for (const socketId of namespace.adapter.rooms.get(userRoom(userId)) ?? []) {
        const socket = namespace.sockets.get(socketId);
        if (socket?.data.sessionId) found.add(socket);
      }
    }
    return [...found];
  }
}

const sessionOf = (socket: PresenceSocket) => socket.data.sessionId!;

function emit(socket: PresenceSocket, { event, payload }: Delivery): void {
  // One event name from a union: TypeScript cannot pair it with its payload type here.
  (socket.emit as (event: string, payload: unknown) => boolean)(event, payload);
}
