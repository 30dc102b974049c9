import type { Server, Socket } from 'socket.io';
import type { TabResume } from './tab-resume';

export type NotificationType = 'request' | 'request_accepted' | 'message';

/** `newNotification` payload (contract §5.5). */
export interface Notification {
  type: NotificationType;
  from: string;
  text: string;
  targetUserId: string;
}

/** A message as sockets receive it (`messageReceived`, contract §5.3 plus M7's ids). */
export interface ChatMessageEvent {
  /** The message id. */
  _id: string;
  chatId: string;
  senderId: string;
  /** The client's id for the send (the message id when the client gave none). */
  clientMessageId: string;
  firstName: string;
  lastName?: string;
  photoUrl?: string;
  text: string;
  createdAt: string;
}

/** The answer to a chat event when the client passes an acknowledgement callback. */
export type ChatAck<T extends object = object> = ({ ok: true } & T) | { ok: false; error: string };

/** `sendMessage`'s acknowledgement: the stored message (the original one for a retry). */
export type SendMessageAck = ChatAck<{ message: ChatMessageEvent }>;
/** `joinChat` / `markRead` / `typing` acknowledgements (`chatId` null: no message yet). */
export type JoinChatAck = ChatAck<{ chatId: string | null; canSend: boolean }>;
export type MarkReadAck = ChatAck<{ chatId: string | null; readAt: string }>;
export type TypingAck = ChatAck;

/**
 * Events the gateways handle. Payloads are `unknown`: everything is validated, and every user
 * id, name or photo in them is ignored (identity comes from the handshake). The chat events take
 * an optional acknowledgement callback; without one, refusals arrive as `chatError`.
 */
export interface ClientToServerEvents {
  register: (claimedUserId: unknown) => void;
  /** `{ targetUserId }`: membership check, leaves the previous chat room, joins this pair's. */
  joinChat: (payload: unknown, ack?: (answer: JoinChatAck) => void) => void;
  /** `{ targetUserId, text, clientMessageId? }`. */
  sendMessage: (payload: unknown, ack?: (answer: SendMessageAck) => void) => void;
  /** `{ targetUserId }`: the conversation is read up to now. */
  markRead: (payload: unknown, ack?: (answer: MarkReadAck) => void) => void;
  /** `{ targetUserId, isTyping }`: relayed to the other participant in the joined chat room. */
  typing: (payload: unknown, ack?: (answer: TypingAck) => void) => void;
}

export type ChatClientEvent = Exclude<keyof ClientToServerEvents, 'register'>;

/** Events sockets receive (contract §5.3), plus `authRequired` for parked sockets. */
export interface ServerToClientEvents {
  /** `resumeMark` lets socket.io-client resume the tab after a dropped connection (tab-resume.ts). */
  onlineList: (userIds: string[], resumeMark?: string) => void;
  userOnline: (userId: string) => void;
  userOffline: (userId: string) => void;
  newNotification: (notification: Notification) => void;
  /** The socket is parked: no identity, no rooms; it receives nothing else until it reconnects. */
  authRequired: (reason: { message: string }) => void;
  /** To the pair's chat room, sender included, once per stored message. */
  messageReceived: (message: ChatMessageEvent) => void;
  /** Read receipt, to the other participant's sockets. */
  messagesRead: (receipt: { chatId: string; readerId: string; readAt: string }) => void;
  /** To the other participant's sockets in the pair's chat room; never stored. */
  userTyping: (typing: { userId: string; isTyping: boolean }) => void;
  /** A chat event was refused and the client passed no acknowledgement callback. */
  chatError: (error: { event: ChatClientEvent; message: string }) => void;
  /**
   * Events were dropped (over SOCKET_EVENTS_PER_SECOND): at most one per second; `event` is the
   * first dropped one. Dropped events with an acknowledgement callback get `{ ok: false, error }`.
   */
  rateLimited: (notice: { event: string; message: string; retryAfterMs: number }) => void;
  /** Sent just before the server disconnects this socket for good (the user's oldest, over the cap). */
  connectionLimit: (notice: { message: string; limit: number }) => void;
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
/** Sockets over a user's cap (`SOCKET_MAX_PER_USER`): the instance holding each disconnects it. */
export const EVICT_EVENT = 'presence:evict';

export interface InterServerEvents {
  [DELIVER_EVENT]: (delivery: Delivery) => void;
  [EVICT_EVENT]: (eviction: { socketIds: string[]; limit: number }) => void;
}

/** Who a socket is. Absent on a parked socket (no valid credential, or its session ended). */
export interface SocketIdentity {
  userId: string;
  firstName: string;
  sessionId: string;
}

export interface SocketData extends Partial<SocketIdentity> {
  /** The chat room this socket joined last (`joinChat`); a socket is in at most one. */
  chatRoom?: string;
  /** The other participant of that chat (lower-case hex), kept for the tab's resume. */
  chatWith?: string;
  /** What the tab's previous connection left (set on a resumed connection until acted on). */
  resume?: TabResume;
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
