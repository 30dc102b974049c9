import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { appError } from '../../common/errors/app-error';
import { chatSendRefusal, presenceVisible, type BlockDirection } from '../blocks/block.rules';
import { BlocksRepository } from '../blocks/blocks.repository';
import { ConnectionsRepository } from '../connections/connections.repository';
import type { ChatMessageEvent } from '../presence/presence.events';
import { EntitlementsService } from '../membership/entitlements.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PresenceService } from '../presence/presence.service';
import type { UserRecord } from '../users/user.schema';
import { UsersRepository } from '../users/users.repository';
import { chatAccess, sendRefusal, type ChatAccess } from './chat-rules';
import { ChatSendLimiter } from './chat-send-limiter';
import { CHAT_ERRORS } from './chat.errors';
import type { ChatRecord } from './chat.schema';
import { MissedMessagesScheduler } from '../missed-messages/missed-messages.scheduler';
import { ChatsRepository, type RecentCursor } from './chats.repository';
import {
  ChatUserView,
  ConversationView,
  ReadReceiptView,
  RecentChatView,
  RecentPagination,
  toChatUserView,
  toMessageEvent,
  toMessageView,
  toRecentChatView,
  deletedChatUserView,
  UnreadView,
  unreadOf,
} from './chat.views';
import { MessagesRepository } from './messages.repository';

export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 100;
export const DEFAULT_RECENT_LIMIT = 20;
export const MAX_RECENT_LIMIT = 50;
/** Chats read per page by the data export. */
const EXPORT_CHATS_PAGE = 100;

/** One message the user sent, as the data export lists it. */
export interface SentMessageExport {
  _id: string;
  chatId: string;
  /** The other participant's id. */
  to: string | null;
  text: string;
  createdAt: string;
}

/** `?before=` of `/chat/recent`: `<lastMessageAt epoch ms>_<chat id>`. */
export const RECENT_CURSOR_PATTERN = /^\d{1,15}_[0-9a-f]{24}$/i;

export function formatRecentCursor(chat: ChatRecord): string {
  return `${(chat.lastMessageAt ?? chat.updatedAt).getTime()}_${chat._id.toHexString()}`;
}

export function parseRecentCursor(value: string | undefined): RecentCursor | undefined {
  if (!value || !RECENT_CURSOR_PATTERN.test(value)) return undefined;
  const [ms, id] = value.split('_');
  return { lastMessageAt: new Date(Number(ms)), chatId: new Types.ObjectId(id.toLowerCase()) };
}

/** The pair as the caller sees it, after the checks. */
export interface PairContext {
  /** Null when the target deleted their account and the pair's history is all that is left. */
  target: UserRecord | null;
  chat: ChatRecord | null;
  access: ChatAccess;
  /** A block between the pair (either way): the conversation is read-only, nothing is relayed. */
  block: BlockDirection;
}

export interface SentMessage {
  message: ChatMessageEvent;
  /** False for a retry with a `clientMessageId` already stored: nothing new was stored or sent. */
  created: boolean;
  pairKey: string;
}

/**
 * Conversations between two connected users (rules in `chat-rules.ts`). Storage is two
 * collections (`chat.schema.ts`): a send is one message insert and one atomic update of the
 * pair's chat. Live delivery of messages to chat rooms is the gateway's; notifications go
 * through `PresenceService`.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);

  constructor(
    private readonly chats: ChatsRepository,
    private readonly messages: MessagesRepository,
    private readonly users: UsersRepository,
    private readonly connections: ConnectionsRepository,
    private readonly presence: PresenceService,
    private readonly sendLimiter: ChatSendLimiter,
    private readonly entitlements: EntitlementsService,
    private readonly notifications: NotificationsService,
    private readonly blocks: BlocksRepository,
    private readonly missedMessages: MissedMessagesScheduler,
  ) {}

  /**
   * Order of checks: yourself (403), the target exists (404), then the relationship: an accepted
   * connection reads and sends, a pair with history but no connection reads only, else 403. A
   * target who deleted their account (no user, but the pair has history) reads only: the caller
   * keeps their conversation, the other side shown as a deleted user. A block removes the
   * connection, so a blocked pair reads its history and sends nothing.
   */
  async pair(callerId: Types.ObjectId, targetId: Types.ObjectId): Promise<PairContext> {
    if (callerId.equals(targetId)) throw appError(CHAT_ERRORS.chatWithSelf);
    // Read together (one wait, not two); the checks below still answer in the order above.
    const [target, connection, chat, block] = await Promise.all([
      this.users.findById(targetId),
      this.connections.findByPair(callerId, targetId),
      this.chats.findByPair(callerId, targetId),
      this.blocks.between(callerId, targetId),
    ]);
    if (!target) {
      // A deleted account: its history stays readable by the other participant, read-only.
      if (!chat?.lastMessage) throw appError(CHAT_ERRORS.userNotFound);
      return { target: null, chat, access: { outcome: 'readOnly' }, block };
    }
    const access = chatAccess({
      callerId,
      targetId,
      connection: connection?.status ?? null,
      hasHistory: Boolean(chat?.lastMessage),
    });
    if (access.outcome === 'refuse') throw appError(CHAT_ERRORS[access.error]);
    return { target, chat, access, block };
  }

  /** Whether live signals (typing) may pass between the two: not across a block. */
  async relayAllowed(callerId: Types.ObjectId, targetId: Types.ObjectId): Promise<boolean> {
    return presenceVisible(await this.blocks.between(callerId, targetId));
  }

  /** One page of history, newest page first, messages oldest → newest. Creates nothing. */
  async conversation(
    callerId: Types.ObjectId,
    targetId: Types.ObjectId,
    page: { before?: Types.ObjectId; limit: number },
  ): Promise<ConversationView> {
    const { target, chat, access, block } = await this.pair(callerId, targetId);
    const caller = callerId.toHexString();
    const [rows, users] = await Promise.all([
      chat
        ? this.messages.newestFirst(
            {
              _id: chat._id,
              createdAt: chat.createdAt,
              newestId: chat.lastMessage?.messageId,
              messageCount: chat.messageCount,
            },
            page.before,
            page.limit + 1,
          )
        : [],
      this.users.findManyByIds(target ? [callerId, target._id] : [callerId]),
    ]);
    const hasMore = rows.length > page.limit;
    const messages = rows.slice(0, page.limit).reverse();
    const now = new Date();
    const senders = new Map(users.map((u) => [u._id.toHexString(), toChatUserView(u, now)]));
    const callerRecord = users.find((u) => u._id.equals(callerId));
    const receipt =
      chat && callerRecord && this.entitlements.of(callerRecord, now).entitlements.readReceipts
        ? { viewerId: caller, otherLastReadAt: chat.lastReadAt?.[targetId.toHexString()] ?? null }
        : undefined;
    return {
      _id: chat ? chat._id.toHexString() : null,
      chatId: chat ? chat._id.toHexString() : null,
      participants: chat
        ? chat.participants.map((id) => id.toHexString())
        : [caller, targetId.toHexString()],
      messages: messages.map((message) =>
        toMessageView(message, senderOf(senders, message.senderId), receipt),
      ),
      pagination: {
        hasMore,
        nextBefore: hasMore && messages.length > 0 ? messages[0]._id.toHexString() : null,
      },
      unreadCount: unreadOf(chat, caller),
      canSend: access.outcome === 'readWrite' && chatSendRefusal(block) === null,
      createdAt: chat ? chat.createdAt.toISOString() : null,
      updatedAt: chat ? chat.updatedAt.toISOString() : null,
    };
  }

  /**
   * Conversations with at least one message, newest activity first; a participant who deleted
   * their account is shown as a deleted user (the history stays readable).
   */
  async recent(
    callerId: Types.ObjectId,
    page: { before?: string; limit: number },
  ): Promise<{ data: RecentChatView[]; pagination: RecentPagination }> {
    const rows = await this.chats.recentPage(
      callerId,
      parseRecentCursor(page.before),
      page.limit + 1,
    );
    const hasMore = rows.length > page.limit;
    const chats = rows.slice(0, page.limit);
    const caller = callerId.toHexString();
    const otherOf = (chat: ChatRecord) =>
      chat.participants.find((id) => id.toHexString() !== caller) ?? null;
    const others = chats.map(otherOf).filter((id): id is Types.ObjectId => id !== null);
    const users = new Map(
      (await this.users.findManyByIds(others)).map((u) => [u._id.toHexString(), u]),
    );
    const data = chats.flatMap((chat) => {
      const otherId = otherOf(chat);
      if (!otherId) return [];
      const user = users.get(otherId.toHexString());
      const view = user ? toChatUserView(user) : deletedChatUserView(otherId);
      return [toRecentChatView(chat, view, caller)];
    });
    const last = chats[chats.length - 1];
    return { data, pagination: { hasMore, nextBefore: hasMore ? formatRecentCursor(last) : null } };
  }

  async unread(callerId: Types.ObjectId): Promise<UnreadView> {
    const caller = callerId.toHexString();
    const chats = await this.chats.unreadOf(callerId);
    const counts = chats.map((chat) => unreadOf(chat, caller)).filter((n) => n > 0);
    return { total: counts.reduce((sum, n) => sum + n, 0), conversations: counts.length };
  }

  /**
   * Read up to now (the caller's unread resets on every plan); the other participant gets
   * `messagesRead` (read receipt) only if their plan has `readReceipts` (PRO/ELITE; expired = FREE).
   */
  async markRead(callerId: Types.ObjectId, targetId: Types.ObjectId): Promise<ReadReceiptView> {
    const { chat, target, block } = await this.pair(callerId, targetId);
    const readAt = new Date();
    if (!chat) return { chatId: null, readAt: readAt.toISOString() };
    await this.chats.markRead(chat._id, callerId, readAt);
    const receipt = {
      chatId: chat._id.toHexString(),
      readerId: callerId.toHexString(),
      readAt: readAt.toISOString(),
    };
    if (
      target &&
      presenceVisible(block) &&
      this.entitlements.of(target, readAt).entitlements.readReceipts
    ) {
      this.presence.emitToUsers([target._id.toHexString()], 'messagesRead', receipt);
    }
    return { chatId: receipt.chatId, readAt: receipt.readAt };
  }

  /**
   * Stores a message from the caller (rate limited per user, checked against the relationship),
   * then notifies the recipient (`newNotification` type `message`). A retry with a stored
   * `clientMessageId` returns the original and stores or notifies nothing.
   */
  async send(
    callerId: Types.ObjectId,
    targetId: Types.ObjectId,
    text: string,
    clientMessageId?: string,
  ): Promise<SentMessage> {
    if (!(await this.sendLimiter.allow(callerId.toHexString()))) {
      throw appError(CHAT_ERRORS.sendRateLimited);
    }
    const { access, target, block } = await this.pair(callerId, targetId);
    const refusal = chatSendRefusal(block) ?? sendRefusal(access);
    if (refusal) throw appError(CHAT_ERRORS[refusal]);
    if (!target) throw appError(CHAT_ERRORS.userNotFound); // read-only above: never reached
    const chat = await this.chats.findOrCreate(callerId, targetId);
    const { message, created } = await this.messages.insert({
      chatId: chat._id,
      senderId: callerId,
      text,
      clientMessageId,
    });
    const sender = (await this.senderViews([callerId])).get(callerId.toHexString());
    const event = toMessageEvent(message, sender ?? unknownSender(callerId));
    if (created) {
      await this.chats.recordMessage(message, target._id, chat.messageCount !== undefined);
      this.notifications.notify(target._id.toHexString(), {
        type: 'message',
        from: event.firstName,
        text: event.text,
        targetUserId: event.senderId,
      });
      this.missedMessages.messageStored(
        chat._id.toHexString(),
        target._id.toHexString(),
        message.createdAt,
      );
      this.logger.debug({ msg: 'Message stored', chatId: event.chatId, messageId: event._id });
    }
    return { message: event, created, pairKey: chat.pairKey };
  }

  /**
   * The messages the user sent, every chat, oldest first within each chat, at most `max` in all
   * (the data export): chats are read a page at a time and messages chat by chat, so memory
   * holds no more than the cap. `truncated` when the cap cut the list short.
   */
  async messagesSentBy(
    userId: Types.ObjectId,
    max: number,
  ): Promise<{ items: SentMessageExport[]; truncated: boolean }> {
    const items: SentMessageExport[] = [];
    const me = userId.toHexString();
    let before: RecentCursor | undefined;
    for (;;) {
      const chats = await this.chats.recentPage(userId, before, EXPORT_CHATS_PAGE);
      for (const chat of chats) {
        const room = max - items.length;
        const sent = await this.messages.sentIn(chat._id, userId, room + 1);
        const to = chat.participants.find((id) => id.toHexString() !== me)?.toHexString() ?? null;
        for (const message of sent.slice(0, room)) {
          items.push({
            _id: message._id.toHexString(),
            chatId: chat._id.toHexString(),
            to,
            text: message.text,
            createdAt: message.createdAt.toISOString(),
          });
        }
        if (sent.length > room) return { items, truncated: true };
      }
      if (chats.length < EXPORT_CHATS_PAGE) return { items, truncated: false };
      const last = chats[chats.length - 1];
      before = { lastMessageAt: last.lastMessageAt ?? last.updatedAt, chatId: last._id };
    }
  }

  private async senderViews(ids: Types.ObjectId[]): Promise<Map<string, ChatUserView>> {
    const users = await this.users.findManyByIds(ids);
    return new Map(users.map((user) => [user._id.toHexString(), toChatUserView(user)]));
  }
}

/** A sender whose account no longer exists. */
function unknownSender(id: Types.ObjectId): ChatUserView {
  return deletedChatUserView(id);
}

function senderOf(senders: Map<string, ChatUserView>, id: Types.ObjectId): ChatUserView {
  return senders.get(id.toHexString()) ?? unknownSender(id);
}
