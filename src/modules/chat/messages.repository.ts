import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { retryOnWriteConflict } from '../../common/database/write-conflict';
import { HISTORY_MAX_WINDOWS, historyPlan, nextHistoryWindow } from './chat-rules';
import { historyKeyOf, Message, MessageRecord } from './chat.schema';

/** How often an instance asks again whether every message has its `historyKey`. */
export const HISTORY_KEY_RECHECK_MS = 60_000;
const HIGHEST_ID = new Types.ObjectId('ffffffffffffffffffffffff');

export interface NewMessage {
  chatId: Types.ObjectId;
  senderId: Types.ObjectId;
  text: string;
  /** Absent: the message's own id (the unique index needs a value on every document). */
  clientMessageId?: string;
}

/** The only place that queries `messages` (see chat.schema.ts); every query names its index. */
@Injectable()
export class MessagesRepository {
  private readonly logger = new Logger(MessagesRepository.name);
  private keyCoverage: { complete: boolean; checkedAt: number; checking?: Promise<boolean> } = {
    complete: false,
    checkedAt: -Infinity,
  };

  constructor(@InjectModel(Message.name) private readonly messages: Model<Message>) {}

  /**
   * Stores a message, exactly once per `(chat, sender, clientMessageId)`: a retry hits the unique
   * index and gets the original back with `created: false`.
   */
  async insert(message: NewMessage): Promise<{ message: MessageRecord; created: boolean }> {
    const _id = new Types.ObjectId();
    const doc: MessageRecord = {
      _id,
      chatId: message.chatId,
      senderId: message.senderId,
      text: message.text,
      clientMessageId: message.clientMessageId ?? _id.toHexString(),
      createdAt: new Date(),
      historyKey: historyKeyOf(message.chatId, _id),
    };
    try {
      // A retried send racing its first attempt inserts one clientMessageId twice at once; on
      // DocumentDB the loser may fail as a deadlock, and its second try meets the duplicate key.
      await retryOnWriteConflict(() => this.messages.collection.insertOne(doc));
      return { message: doc, created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error) || message.clientMessageId === undefined) throw error;
      const original = await this.findByClientId(
        message.chatId,
        message.senderId,
        message.clientMessageId,
      );
      if (!original) throw error;
      return { message: original, created: false };
    }
  }

  /** Index: unique `{ chatId, senderId, clientMessageId }`. */
  findByClientId(
    chatId: Types.ObjectId,
    senderId: Types.ObjectId,
    clientMessageId: string,
  ): Promise<MessageRecord | null> {
    return this.messages
      .findOne({ chatId, senderId, clientMessageId: { $eq: clientMessageId } })
      .lean<MessageRecord>()
      .exec();
  }

  /**
   * The sender's messages in one chat, oldest first, at most `limit` (the data export). Index:
   * `{ chatId, senderId, clientMessageId }` (its prefix); sorted by the database, and only the
   * sender's own messages of that chat are matched.
   */
  sentIn(
    chatId: Types.ObjectId,
    senderId: Types.ObjectId,
    limit: number,
  ): Promise<MessageRecord[]> {
    return this.messages
      .find({ chatId, senderId })
      .hint({ chatId: 1, senderId: 1, clientMessageId: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<MessageRecord[]>()
      .exec();
  }

  /**
   * Newest first, strictly before `before` (a message id).
   * DocumentDB reads indexes unordered (ordered scans need pg_documentdb_extended_rum), so a
   * query bounded only by the chat reads and sorts the whole conversation: cheap for a chat known
   * to be small, read so in one query ({@link historyPlan}). A larger one, or one of unknown size,
   * is read in `_id` windows walking back from `before` (else the chat's newest message), each a
   * hinted range scan of the window alone on `historyKey` (on `{ chatId, _id }` while some stored
   * message lacks its key: that index reads the chat's every entry to find a window); the first
   * is sized from the chat's average density, and one that holds too few sizes the next
   * ({@link nextHistoryWindow}). Once a window would reach back past the chat's creation, or after
   * the last one allowed, the rest is read in one query without a lower bound, so no message is
   * ever missed.
   */
  async newestFirst(
    chat: {
      _id: Types.ObjectId;
      createdAt?: Date;
      newestId?: Types.ObjectId;
      messageCount?: number;
    },
    before: Types.ObjectId | undefined,
    limit: number,
  ): Promise<MessageRecord[]> {
    const anchor = before ?? chat.newestId;
    // Seconds: ObjectIds carry their creation time in whole seconds.
    let top = anchor ? anchor.getTimestamp().getTime() / 1000 + 1 : undefined;
    const start = chat.createdAt ? Math.floor(chat.createdAt.getTime() / 1000) : undefined;
    const newest = chat.newestId ? chat.newestId.getTimestamp().getTime() / 1000 : undefined;
    const plan = historyPlan({
      messageCount: chat.messageCount,
      lifetimeSeconds: newest !== undefined && start !== undefined ? newest - start : undefined,
      wanted: limit,
    });
    const rows: MessageRecord[] = [];
    const keyed = plan.kind === 'windows' && (await this.historyKeysComplete());
    let upper = before;
    let window = plan.kind === 'windows' ? plan.firstSeconds : 0;
    for (let step = 1; rows.length < limit; step++) {
      const bottom = top === undefined ? undefined : top - window;
      const wanted = limit - rows.length;
      if (
        plan.kind === 'oneQuery' ||
        bottom === undefined ||
        bottom <= 0 ||
        (start !== undefined && bottom <= start) ||
        step >= HISTORY_MAX_WINDOWS
      ) {
        rows.push(...(await this.rest(chat._id, before, upper, rows.length, wanted)));
        break;
      }
      const lower = Types.ObjectId.createFromTime(bottom);
      const page = await (keyed
        ? this.keyWindow(chat._id, lower, upper, wanted)
        : this.idWindow(chat._id, lower, upper, wanted));
      rows.push(...page);
      upper = lower;
      top = bottom;
      window = nextHistoryWindow(window, page.length, wanted);
    }
    return rows;
  }

  /** Index: `historyKey`. The newest `wanted` of the chat's messages in [lower, upper). */
  private keyWindow(
    chatId: Types.ObjectId,
    lower: Types.ObjectId,
    upper: Types.ObjectId | undefined,
    wanted: number,
  ): Promise<MessageRecord[]> {
    const range = upper
      ? { $gte: historyKeyOf(chatId, lower), $lt: historyKeyOf(chatId, upper) }
      : { $gte: historyKeyOf(chatId, lower), $lte: historyKeyOf(chatId, HIGHEST_ID) };
    return this.messages
      .find({ historyKey: range })
      .sort({ historyKey: -1 })
      .hint({ historyKey: 1 })
      .limit(wanted)
      .lean<MessageRecord[]>()
      .exec();
  }

  /** Index: `{ chatId, _id }`. {@link keyWindow} for messages stored without their key. */
  private idWindow(
    chatId: Types.ObjectId,
    lower: Types.ObjectId,
    upper: Types.ObjectId | undefined,
    wanted: number,
  ): Promise<MessageRecord[]> {
    return this.messages
      .find({ chatId, _id: { ...(upper && { $lt: upper }), $gte: lower } })
      .sort({ _id: -1 })
      .hint({ chatId: 1, _id: -1 })
      .limit(wanted)
      .lean<MessageRecord[]>()
      .exec();
  }

  /**
   * Index: `historyKey` (missing keys are indexed as null). Whether every stored message has its
   * key, asked at most once a minute: messages from before the key existed (until
   * `npm run migrate`), or written by an older instance during a rolling restart, keep history
   * on the `{ chatId, _id }` windows until they have one. A failed check reads as "not yet".
   */
  private historyKeysComplete(now = Date.now()): Promise<boolean> {
    const coverage = this.keyCoverage;
    if (now - coverage.checkedAt < HISTORY_KEY_RECHECK_MS)
      return Promise.resolve(coverage.complete);
    coverage.checking ??= this.messages
      .findOne({ historyKey: null }, { _id: 1 })
      .hint({ historyKey: 1 })
      .lean()
      .exec()
      .then(
        (keyless) => !keyless,
        (error: unknown) => {
          this.logger.warn({
            msg: 'History key check failed; reading windows by chatId',
            err: error,
          });
          return false;
        },
      )
      .then((complete) => {
        this.keyCoverage = { complete, checkedAt: Date.now() };
        return complete;
      });
    return coverage.checking;
  }

  /**
   * The `wanted` messages older than `upper` (all when absent) in one query, after the `read`
   * newer ones the windows returned. Without `before` it is bounded by `chatId` alone and skips
   * what the windows read: an open `_id` range makes DocumentDB read every older `_id` entry of
   * the collection (its index keeps one entry list per field).
   */
  private async rest(
    chatId: Types.ObjectId,
    before: Types.ObjectId | undefined,
    upper: Types.ObjectId | undefined,
    read: number,
    wanted: number,
  ): Promise<MessageRecord[]> {
    const filter = before && upper ? { chatId, _id: { $lt: upper } } : { chatId };
    const rows = await this.messages
      .find(filter)
      .sort({ _id: -1 })
      .limit(read + wanted)
      .lean<MessageRecord[]>()
      .exec();
    const older = upper ? rows.filter((row) => row._id.toHexString() < upper.toHexString()) : rows;
    return older.slice(0, wanted);
  }
}
