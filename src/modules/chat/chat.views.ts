import type { ChatMessageEvent } from '../presence/presence.events';
import { toSafeView, type UserViewSource } from '../users/user.views';
import type { ChatRecord, MessageRecord } from './chat.schema';

/** A user as chats show them (contract §2.2 `ChatUser`); absent fields stay absent. */
export interface ChatUserView {
  _id: string;
  firstName: string;
  lastName?: string;
  photoUrl?: string;
  /** `true` for ELITE (plan entitlement `verifiedBadge`), as in every public view; absent otherwise. */
  verifiedBadge?: true;
  /** `true` when the account was deleted (then no photo, and the name is "Deleted user"). */
  deleted?: true;
}

/**
 * A participant whose account was deleted: the contract's `ChatUser` with a placeholder name and
 * no photo (absent, as for anyone without one), so the SPA renders it like any sender.
 */
export function deletedChatUserView(id: { toHexString(): string }): ChatUserView {
  return { _id: id.toHexString(), firstName: 'Deleted', lastName: 'user', deleted: true };
}

export function toChatUserView(user: UserViewSource, now = new Date()): ChatUserView {
  const view: ChatUserView = { _id: user._id.toHexString(), firstName: user.firstName };
  if (user.lastName !== undefined) view.lastName = user.lastName;
  if (user.photoUrl !== undefined) view.photoUrl = user.photoUrl;
  if (toSafeView(user, now).verifiedBadge) view.verifiedBadge = true;
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
  /**
   * Read receipt (PRO/ELITE viewers, on their own sent messages only): when the other participant
   * had read up to this message (their latest read at or after it), null while unread. Absent on
   * received messages and for FREE viewers.
   */
  readAt?: string | null;
}

/**
 * `readBy`: the other participant's last read, when the viewer's plan has read receipts and
 * `message` is the viewer's own; `undefined` leaves `readAt` out.
 */
export function toMessageView(
  message: MessageRecord,
  sender: ChatUserView,
  receipt?: { viewerId: string; otherLastReadAt: Date | null },
): MessageView {
  const createdAt = message.createdAt.toISOString();
  const view: MessageView = {
    _id: message._id.toHexString(),
    chatId: message.chatId.toHexString(),
    senderId: sender,
    text: message.text,
    clientMessageId: message.clientMessageId,
    createdAt,
    updatedAt: createdAt,
  };
  if (receipt && message.senderId.toHexString() === receipt.viewerId) {
    const read = receipt.otherLastReadAt;
    view.readAt = read && read.getTime() >= message.createdAt.getTime() ? read.toISOString() : null;
  }
  return view;
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
  /** `true` when the other participant is ELITE; absent otherwise. */
  verifiedBadge?: true;
  /** `true` when the other participant deleted their account; absent otherwise. */
  deleted?: true;
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
  if (other.verifiedBadge) view.verifiedBadge = true;
  if (other.deleted) view.deleted = true;
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
