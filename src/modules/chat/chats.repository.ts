import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { isWriteConflict } from '../../common/database/write-conflict';
import { pairKeyOf } from '../connections/connection.schema';
import { Chat, ChatRecord, type MessageRecord } from './chat.schema';

/** Where `/chat/recent` continues: the last chat served (its activity time and id). */
export interface RecentCursor {
  lastMessageAt: Date;
  chatId: Types.ObjectId;
}

/** The participants in pairKey order (sorted hex), as stored. */
function sortedPair(a: Types.ObjectId, b: Types.ObjectId): Types.ObjectId[] {
  return a.toHexString() < b.toHexString() ? [a, b] : [b, a];
}

/**
 * The only place that queries `chats` (one document per pair, see chat.schema.ts); every query
 * names the index it uses. No transactions: a send is the message insert plus one atomic update
 * here.
 */
@Injectable()
export class ChatsRepository {
  constructor(@InjectModel(Chat.name) private readonly chats: Model<Chat>) {}

  /** Index: unique `pairKey`. */
  findByPair(a: Types.ObjectId, b: Types.ObjectId): Promise<ChatRecord | null> {
    return this.chats
      .findOne({ pairKey: pairKeyOf(a, b) })
      .lean<ChatRecord>()
      .exec();
  }

  /**
   * The pair's chat, created if missing (index: unique `pairKey`). Concurrent first messages both
   * upsert; the loser of the unique index fails with E11000 and reads the winner's document, so
   * a pair always ends with one chat.
   */
  async findOrCreate(a: Types.ObjectId, b: Types.ObjectId): Promise<ChatRecord> {
    const pairKey = pairKeyOf(a, b);
    for (let attempt = 0; ; attempt++) {
      try {
        const chat = await this.chats
          .findOneAndUpdate(
            { pairKey },
            {
              $setOnInsert: {
                pairKey,
                participants: sortedPair(a, b),
                lastMessage: null,
                lastMessageAt: null,
                unread: { [a.toHexString()]: 0, [b.toHexString()]: 0 },
                lastReadAt: { [a.toHexString()]: null, [b.toHexString()]: null },
                messageCount: 0,
              },
            },
            { upsert: true, new: true },
          )
          .lean<ChatRecord>()
          .exec();
        if (chat) return chat;
      } catch (error) {
        // A racing upsert: its key (or, on DocumentDB, a deadlock lost to it); read it below.
        if (!(isDuplicateKeyError(error) || isWriteConflict(error)) || attempt >= 2) throw error;
      }
      const existing = await this.findByPair(a, b);
      if (existing) return existing;
    }
  }

  /**
   * The chat summary after a message was stored, in one atomic update: the last message (only if
   * this message is newer than the one there, by `_id`), the recipient's unread count and, when
   * the chat keeps one (`counted`: it had `messageCount` when read), its message count (`$inc`).
   * When a newer message got there first, only the counts are incremented. O(1) in the
   * conversation's length. Index: `_id`.
   */
  async recordMessage(
    message: MessageRecord,
    recipientId: Types.ObjectId,
    counted: boolean,
  ): Promise<void> {
    // A chat without the field stays without: `$inc` would create it counting from now.
    const inc = {
      [`unread.${recipientId.toHexString()}`]: 1,
      ...(counted && { messageCount: 1 }),
    };
    const result = await this.chats.updateOne(
      {
        _id: message.chatId,
        $or: [{ lastMessage: null }, { 'lastMessage.messageId': { $lt: message._id } }],
      },
      {
        $set: {
          lastMessage: {
            messageId: message._id,
            senderId: message.senderId,
            text: message.text,
            createdAt: message.createdAt,
          },
          lastMessageAt: message.createdAt,
        },
        $inc: inc,
      },
    );
    if (result.matchedCount === 0)
      await this.chats.updateOne({ _id: message.chatId }, { $inc: inc });
  }

  /** What the missed-message check reads of a chat. Index: `_id`. */
  findReadState(
    chatId: Types.ObjectId,
  ): Promise<Pick<
    ChatRecord,
    '_id' | 'participants' | 'unread' | 'lastReadAt' | 'lastMessage'
  > | null> {
    return this.chats
      .findById(chatId, { participants: 1, unread: 1, lastReadAt: 1, lastMessage: 1 })
      .lean<Pick<ChatRecord, '_id' | 'participants' | 'unread' | 'lastReadAt' | 'lastMessage'>>()
      .exec();
  }

  /** The reader has read everything up to `now`. Index: `_id`. */
  async markRead(chatId: Types.ObjectId, readerId: Types.ObjectId, now: Date): Promise<void> {
    const reader = readerId.toHexString();
    await this.chats.updateOne(
      { _id: chatId },
      { $set: { [`unread.${reader}`]: 0, [`lastReadAt.${reader}`]: now } },
    );
  }

  /**
   * The user's chats with at least one message, newest activity first, after the cursor.
   * Index: `{ participants, lastMessageAt, _id }`.
   */
  recentPage(
    userId: Types.ObjectId,
    before: RecentCursor | undefined,
    limit: number,
  ): Promise<ChatRecord[]> {
    const filter: Record<string, unknown> = before
      ? {
          participants: userId,
          $or: [
            { lastMessageAt: { $lt: before.lastMessageAt } },
            { lastMessageAt: before.lastMessageAt, _id: { $lt: before.chatId } },
          ],
        }
      : { participants: userId, lastMessageAt: { $gt: new Date(0) } };
    return this.chats
      .find(filter)
      .sort({ lastMessageAt: -1, _id: -1 })
      .limit(limit)
      .lean<ChatRecord[]>()
      .exec();
  }

  /** The user's chats with unread messages (bounded). Index: `{ participants, … }`. */
  unreadOf(userId: Types.ObjectId, max = 1000): Promise<Pick<ChatRecord, '_id' | 'unread'>[]> {
    return this.chats
      .find({ participants: userId, [`unread.${userId.toHexString()}`]: { $gt: 0 } }, { unread: 1 })
      .limit(max)
      .lean<Pick<ChatRecord, '_id' | 'unread'>[]>()
      .exec();
  }
}
