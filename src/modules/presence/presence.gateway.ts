import { Logger, OnModuleDestroy } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { parse as parseCookies } from 'cookie';
import { Types } from 'mongoose';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import { AppError } from '../../common/errors/app-error';
import { ACCESS_COOKIE } from '../auth/auth-cookies';
import { AuthService } from '../auth/auth.service';
import { ConnectionsRepository } from '../connections/connections.repository';
import { PRESENCE_HEARTBEAT_MS, PresenceStore } from './presence.store';
import { PresenceService, userRoom } from './presence.service';

export interface SocketIdentity {
  userId: string;
  firstName: string;
  sessionId: string;
}

type AuthedSocket = Socket<
  DefaultEventsMap,
  DefaultEventsMap,
  DefaultEventsMap,
  Partial<SocketIdentity>
>;

/**
 * Socket.io presence: every socket is authenticated from its access cookie at the handshake
 * (same service and messages as HTTP), joins `user:<id>`, and counts towards that user being
 * online. Status changes go only to the user's connections and the user themself.
 */
@WebSocketGateway()
export class PresenceGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger(PresenceGateway.name);
  private heartbeat?: NodeJS.Timeout;
  /** Set on shutdown: sockets dropped by our own close are not "going offline" (they reconnect elsewhere). */
  private closing = false;

  @WebSocketServer() server!: Server;

  constructor(
    private readonly auth: AuthService,
    private readonly presence: PresenceService,
    private readonly store: PresenceStore,
    private readonly connections: ConnectionsRepository,
  ) {}

  afterInit(server: Server): void {
    this.presence.attach(server);
    server.use((socket: AuthedSocket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) =>
          next(
            new Error(
              error instanceof AppError ? error.message : 'Invalid or expired access token',
            ),
          ),
      );
    });
    this.heartbeat = setInterval(() => void this.refreshLocalSockets(), PRESENCE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Drops this instance's sockets from Redis while it is still reachable (no events: clients reconnect). */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    await this.store
      .forget(this.localSockets())
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'Presence clean-up on shutdown failed', err: error }),
      );
  }

  async handleConnection(socket: AuthedSocket): Promise<void> {
    const { userId } = socket.data;
    if (!userId) return socket.disconnect(true) && undefined;
    await socket.join(userRoom(userId));
    try {
      if (await this.store.add(userId, socket.id)) await this.announce(userId, 'userOnline');
      socket.emit('onlineList', await this.onlineListFor(userId));
    } catch (error) {
      this.logger.error({ msg: 'Presence registration failed', userId, err: error });
    }
  }

  async handleDisconnect(socket: AuthedSocket): Promise<void> {
    const { userId } = socket.data;
    if (!userId || this.closing) return;
    try {
      if (await this.store.remove(userId, socket.id)) await this.announce(userId, 'userOffline');
    } catch (error) {
      this.logger.error({ msg: 'Presence removal failed', userId, err: error });
    }
  }

  /**
   * Kept for the SPA, which emits `register` with its user id on mount: the payload is ignored
   * (the socket is already bound to the authenticated user); it only re-sends the online list.
   */
  @SubscribeMessage('register')
  async register(socket: AuthedSocket, claimedId: unknown): Promise<void> {
    const { userId } = socket.data;
    if (!userId) return;
    // Another account now uses this tab (the SPA keeps one socket across logins): drop the
    // transport so the client reconnects with its current cookie and a fresh identity.
    if (
      typeof claimedId === 'string' &&
      /^[0-9a-f]{24}$/i.test(claimedId) &&
      claimedId.toLowerCase() !== userId
    ) {
      socket.conn.close();
      return;
    }
    socket.emit('onlineList', await this.onlineListFor(userId));
  }

  private async authenticate(socket: AuthedSocket): Promise<void> {
    const header = socket.handshake.headers.cookie;
    const token = header ? parseCookies(header)[ACCESS_COOKIE] : undefined;
    const { user, sessionId } = await this.auth.authenticateAccessToken(token);
    socket.data.userId = user._id.toHexString();
    socket.data.firstName = user.firstName;
    socket.data.sessionId = sessionId.toHexString();
  }

  /** Online connections plus the user (contract §5.3, limited to connections per §10 #39). */
  private async onlineListFor(userId: string): Promise<string[]> {
    const connectionIds = await this.connections.acceptedIds(new Types.ObjectId(userId));
    return this.store.onlineAmong([userId, ...connectionIds]);
  }

  private async announce(userId: string, event: 'userOnline' | 'userOffline'): Promise<void> {
    const connectionIds = await this.connections.acceptedIds(new Types.ObjectId(userId));
    // Shutdown may have closed the adapter's Redis clients while we awaited: publishing then
    // rejects inside the adapter, where nothing can catch it.
    if (this.closing) return;
    this.presence.emitToUsers([userId, ...connectionIds.map(String)], event, userId);
  }

  private localSockets(): { userId: string; socketId: string }[] {
    if (!this.server) return [];
    const sockets = [...this.server.sockets.sockets.values()] as AuthedSocket[];
    return sockets
      .filter((socket) => socket.data.userId)
      .map((socket) => ({ userId: socket.data.userId!, socketId: socket.id }));
  }

  /**
   * Heartbeat: extends live sockets in Redis and drops the transport of sockets whose session
   * was revoked (logout, password change, token reuse), so they stop receiving that user's events.
   */
  async refreshLocalSockets(): Promise<void> {
    const sockets = [...this.server.sockets.sockets.values()] as AuthedSocket[];
    await Promise.all(
      sockets.map(async (socket) => {
        const { sessionId } = socket.data;
        if (sessionId && !(await this.auth.isSessionActive(sessionId).catch(() => true)))
          socket.conn.close();
      }),
    );
    await this.heartbeatLocalSockets();
  }

  private async heartbeatLocalSockets(): Promise<void> {
    await this.store
      .heartbeat(this.localSockets())
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'Presence heartbeat failed', err: error }),
      );
  }
}
