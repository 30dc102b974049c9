import type { ChatMessageEvent } from '../presence/presence.events';
import type { UserViewSource } from '../users/user.views';
import type { ChatRecord, MessageRecord } from './chat.schema';

/** A user as chats show them (contract §2.2 `ChatUser`); absent fields stay absent. */
export interface ChatUserView {
  _id: string;
  firstName: string;
  lastName?: string;
  photoUrl?: string;
}

export function toChatUserView(user: UserViewSource): ChatUserView {
  const view: ChatUserView = { _id: user._id.toHexString(), firstName: user.firstName };
  if (user.lastName !== undefined) view.lastName = user.lastName;
  if (user.photoUrl !== undefined) view.photoUrl = user.photoUrl;
  return view;
}

/** A message in `GET /chat/:targetUserId` (contract §3.5): the sender populated. */
export interface MessageView {
  _id: string;
  chatId: string;
  senderId: ChatUserView;
  text: string;
  clientMessageId: string;
  createdAt: string;
  /** Messages are never edited: the same as `createdAt`. */
  updatedAt: string;
}

export function toMessageView(message: MessageRecord, sender: ChatUserView): MessageView {
  const createdAt = message.createdAt.toISOString();
  return {
    _id: message._id.toHexString(),
    chatId: message.chatId.toHexString(),
    senderId: sender,
    text: message.text,
    clientMessageId: message.clientMessageId,
    createdAt,
    updatedAt: createdAt,
  };
}

/** `messageReceived` and the send acknowledgement: the SPA's fields plus the ids. */
export function toMessageEvent(message: MessageRecord, sender: ChatUserView): ChatMessageEvent {
  const event: ChatMessageEvent = {
    _id: message._id.toHexString(),
    chatId: message.chatId.toHexString(),
    senderId: sender._id,
    clientMessageId: message.clientMessageId,
    firstName: sender.firstName,
    text: message.text,
    createdAt: message.createdAt.toISOString(),
  };
  if (sender.lastName !== undefined) event.lastName = sender.lastName;
  if (sender.photoUrl !== undefined) event.photoUrl = sender.photoUrl;
  return event;
}

/** `data.pagination` of a conversation: `nextBefore` is the `?before=` of the older page. */
export interface HistoryPagination {
  hasMore: boolean;
  nextBefore: string | null;
}

/** `GET /chat/:targetUserId`: the contract's shape, bounded to one page of history. */
export interface ConversationView {
  /** The chat id; null while the pair has no message (opening a chat creates nothing). */
  _id: string | null;
  chatId: string | null;
  participants: string[];
  /** Oldest → newest. */
  messages: MessageView[];
  pagination: HistoryPagination;
  /** The caller's unread messages in this chat. */
  unreadCount: number;
  /** False once the connection was removed: the history stays readable. */
  canSend: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

/** One row of `GET /chat/recent` (contract §3.5 plus `unreadCount` and `chatId`). */
export interface RecentChatView {
  chatId: string;
  userId: string;
  firstName: string;
  lastName?: string;
  photoUrl?: string;
  lastMessage: string;
  lastMessageAt: string;
  unreadCount: number;
}

export function toRecentChatView(chat: ChatRecord, other: ChatUserView, viewerId: string) {
  const view: RecentChatView = {
    chatId: chat._id.toHexString(),
    userId: other._id,
    firstName: other.firstName,
    lastMessage: chat.lastMessage?.text ?? '',
    lastMessageAt: (chat.lastMessageAt ?? chat.updatedAt).toISOString(),
    unreadCount: unreadOf(chat, viewerId),
  };
  if (other.lastName !== undefined) view.lastName = other.lastName;
  if (other.photoUrl !== undefined) view.photoUrl = other.photoUrl;
  return view;
}

export function unreadOf(chat: Pick<ChatRecord, 'unread'> | null, userId: string): number {
  const count = chat?.unread?.[userId];
  return typeof count === 'number' && count > 0 ? count : 0;
}

/** `pagination` beside `data` in `GET /chat/recent`. */
export interface RecentPagination {
  hasMore: boolean;
  /** The `?before=` of the next page (opaque), null on the last page. */
  nextBefore: string | null;
}

/** `GET /chat/unread`: for a badge. */
export interface UnreadView {
  /** Unread messages over all conversations. */
  total: number;
  /** Conversations with at least one unread message. */
  conversations: number;
}

/** `POST /chat/:targetUserId/read`. */
export interface ReadReceiptView {
  chatId: string | null;
  readAt: string;
}
