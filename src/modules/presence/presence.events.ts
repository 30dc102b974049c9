import type { Server, Socket } from 'socket.io';

export type NotificationType = 'request' | 'request_accepted' | 'message';

/** `newNotification` payload (contract §5.5). */
export interface Notification {
  type: NotificationType;
  from: string;
  text: string;
  targetUserId: string;
}

/** Events the presence gateway handles. The SPA sends its user id; it is never trusted. */
export interface ClientToServerEvents {
  register: (claimedUserId: unknown) => void;
}

/** Events sockets receive (contract §5.3), plus `authRequired` for parked sockets. */
export interface ServerToClientEvents {
  onlineList: (userIds: string[]) => void;
  userOnline: (userId: string) => void;
  userOffline: (userId: string) => void;
  newNotification: (notification: Notification) => void;
  /** The socket is parked: no identity, no rooms; it receives nothing else until it reconnects. */
  authRequired: (reason: { message: string }) => void;
}

export type ServerEvent = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

/** One event for all sockets of some users; published to every instance, which checks sessions. */
export interface Delivery<E extends ServerEvent = ServerEvent> {
  userIds: string[];
  event: E;
  payload: ServerEventPayload<E>;
}

export const DELIVER_EVENT = 'presence:deliver';

export interface InterServerEvents {
  [DELIVER_EVENT]: (delivery: Delivery) => void;
}

/** Who a socket is. Absent on a parked socket (no valid credential, or its session ended). */
export interface SocketIdentity {
  userId: string;
  firstName: string;
  sessionId: string;
}

export interface SocketData extends Partial<SocketIdentity> {
  /** Why the handshake found no identity (sent in `authRequired`). */
  authError?: string;
  /** The credential could not be checked (database or Redis failure): reconnect and try again. */
  retry?: boolean;
}

export type PresenceServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type PresenceSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export const userRoom = (userId: string) => `user:${userId}`;
