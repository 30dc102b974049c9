import { ApiProperty } from '@nestjs/swagger';
import { Describes, SuccessResponse } from '../../common/http/api-response.docs';
import type {
  ChatUserView,
  ConversationView,
  HistoryPagination,
  MessageView,
  ReadReceiptView,
  RecentChatView,
  RecentPagination,
  UnreadView,
} from './chat.views';

/** A user as chats show them (contract §2.2 `ChatUser`). */
@Describes<ChatUserView>()
export class ChatUserDoc {
  /** @example 665f1c2e9b1e8a3d4c5b6a70 */
  _id!: string;
  /** @example Asha */
  firstName!: string;
  /** Absent when never set. */
  lastName?: string;
  /** Absent until set. */
  photoUrl?: string;
  /** `true` for ELITE members; absent otherwise. */
  @ApiProperty({ enum: [true], required: false })
  verifiedBadge?: true;
  /** `true` when the account was deleted: named "Deleted user", no photo; absent otherwise. */
  @ApiProperty({ enum: [true], required: false })
  deleted?: true;
}

/** One message, its sender populated. */
@Describes<MessageView>()
export class MessageDoc {
  _id!: string;
  chatId!: string;
  senderId!: ChatUserDoc;
  /** Trimmed, 1–2000 characters. */
  text!: string;
  /** The sender's id for the send (idempotent retries); the message id when none was given. */
  clientMessageId!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  /** Messages are never edited: equals createdAt. */
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
  /**
   * Read receipt, on the caller's own messages when the caller's plan has read receipts
   * (PRO/ELITE): when the other participant had read up to it; null while unread. Absent on
   * received messages and for FREE callers.
   */
  @ApiProperty({ format: 'date-time', nullable: true, required: false, type: String })
  readAt?: string | null;
}

@Describes<HistoryPagination>()
export class HistoryPaginationDoc {
  /** Older messages exist. */
  hasMore!: boolean;
  /** Pass as `?before=` for the older page; null on the oldest page. */
  nextBefore!: string | null;
}

/** The conversation with one user (contract §3.5), one page of history. */
@Describes<ConversationView>()
export class ConversationDoc {
  /** The chat id; null while the pair has no message (opening creates nothing). */
  _id!: string | null;
  /** Same as `_id`. */
  chatId!: string | null;
  /** The two user ids. */
  participants!: string[];
  /** Oldest → newest: the newest page (default 50), or the page before `?before=`. */
  messages!: MessageDoc[];
  pagination!: HistoryPaginationDoc;
  /** The caller's unread messages in this conversation. */
  @ApiProperty({ type: 'integer' })
  unreadCount!: number;
  /** False when the pair is no longer connected: the history stays readable, sending is refused. */
  canSend!: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string | null;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string | null;
}

/** A conversation in the inbox (contract §3.5, plus `chatId` and `unreadCount`). */
@Describes<RecentChatView>()
export class RecentChatDoc {
  chatId!: string;
  /** The other participant. */
  userId!: string;
  firstName!: string;
  /** Absent when never set. */
  lastName?: string;
  /** Absent until set. */
  photoUrl?: string;
  /** The last message's text. */
  lastMessage!: string;
  @ApiProperty({ format: 'date-time' })
  lastMessageAt!: string;
  /** Messages the caller has not read yet. */
  @ApiProperty({ type: 'integer' })
  unreadCount!: number;
  /** `true` when the other participant is ELITE; absent otherwise. */
  @ApiProperty({ enum: [true], required: false })
  verifiedBadge?: true;
  /** `true` when the other participant deleted their account (named "Deleted user"). */
  @ApiProperty({ enum: [true], required: false })
  deleted?: true;
}

@Describes<RecentPagination>()
export class RecentPaginationDoc {
  /** More conversations follow. */
  hasMore!: boolean;
  /** Pass as `?before=` for the next page; null on the last page. */
  nextBefore!: string | null;
}

@Describes<UnreadView>()
export class UnreadDoc {
  /** Unread messages over all conversations. */
  @ApiProperty({ type: 'integer' })
  total!: number;
  /** Conversations with unread messages. */
  @ApiProperty({ type: 'integer' })
  conversations!: number;
}

@Describes<ReadReceiptView>()
export class ReadReceiptDoc {
  /** Null when the pair has no message yet. */
  chatId!: string | null;
  @ApiProperty({ format: 'date-time' })
  readAt!: string;
}

export class ConversationResponse extends SuccessResponse {
  data!: ConversationDoc;
}

export class RecentChatsResponse extends SuccessResponse {
  /** Newest activity first; conversations with deleted users are left out. */
  data!: RecentChatDoc[];
  pagination!: RecentPaginationDoc;
}

export class UnreadResponse extends SuccessResponse {
  data!: UnreadDoc;
}

export class ReadReceiptResponse extends SuccessResponse {
  data!: ReadReceiptDoc;
}
