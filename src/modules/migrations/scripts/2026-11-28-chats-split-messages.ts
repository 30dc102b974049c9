import { createHash } from 'node:crypto';
import { MongoBulkWriteError, ObjectId } from 'mongodb';
import type { Collection, Db, Filter } from 'mongodb';
import { isDuplicateKeyError } from '../../../common/database/duplicate-key';
import type { Migration, MigrationResult } from '../migration';

/** Legacy chats read per query; each may embed an unbounded array, so the batch stays small. */
export const CHAT_BATCH = 50;
/** Messages per `insertMany`. */
export const MESSAGE_CHUNK = 1000;
/** Re-reads of one chat that changed under the migration (an old API appending) before giving up. */
const MAX_ATTEMPTS = 5;

/** A message embedded in an original `chats` document (contract §4.3). */
interface LegacyMessage {
  _id?: unknown;
  senderId?: unknown;
  text?: unknown;
  createdAt?: unknown;
  updatedAt?: unknown;
}

interface LastMessage {
  messageId: ObjectId;
  text: string;
  senderId: ObjectId;
  createdAt: Date;
}

/** A `chats` document, original (embedded `messages`) or migrated (see chat/chat.schema.ts). */
interface ChatDoc {
  _id: ObjectId;
  participants?: unknown;
  messages?: unknown;
  pairKey?: string;
  lastMessage?: LastMessage | null;
  lastMessageAt?: Date | null;
  unread?: Record<string, number>;
  lastReadAt?: Record<string, Date | null>;
  createdAt?: unknown;
  updatedAt?: unknown;
}

/** A document of the `messages` collection. */
interface MessageDoc {
  _id: ObjectId;
  chatId: ObjectId;
  senderId: ObjectId;
  text: string;
  clientMessageId: string;
  createdAt: Date;
}

interface Counts extends MigrationResult {
  /** Legacy chats rewritten in place (they keep their `_id`): the survivor of their pair. */
  chatsMigrated: number;
  /** Embedded messages inserted into `messages`. */
  messagesMoved: number;
  /** Messages already in `messages` under a duplicate chat, re-pointed to the survivor. */
  messagesRepointed: number;
  /** Duplicate chats of a pair deleted after their messages were moved to the survivor. */
  duplicatesMerged: number;
  /** Legacy chats left as they are: participants are not two distinct user ids. */
  chatsSkipped: number;
  /** Embedded messages dropped: no valid `senderId` or no string `text` (the original required both). */
  messagesSkipped: number;
}

function toObjectId(value: unknown): ObjectId | null {
  if (value instanceof ObjectId) return value;
  if (typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value)) return new ObjectId(value);
  // An ObjectId of another bson copy (e.g. mongoose's).
  if (
    typeof value === 'object' &&
    value !== null &&
    (value as { _bsontype?: unknown })._bsontype === 'ObjectId'
  ) {
    return new ObjectId((value as { toHexString(): string }).toHexString());
  }
  return null;
}

function toDate(value: unknown): Date | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : null;
}

function latest(...dates: (Date | null | undefined)[]): Date | null {
  let best: Date | null = null;
  for (const date of dates) if (date && (!best || date > best)) best = date;
  return best;
}

/** The two participants as ObjectIds sorted by hex (pairKey order), or null when malformed. */
function participantsOf(chat: ChatDoc): [ObjectId, ObjectId] | null {
  if (!Array.isArray(chat.participants) || chat.participants.length !== 2) return null;
  const [a, b] = chat.participants.map(toObjectId);
  if (!a || !b || a.equals(b)) return null;
  return a.toHexString() < b.toHexString() ? [a, b] : [b, a];
}

/**
 * The `messages` document of an embedded message. Its identity is deterministic, so a re-run
 * inserts nothing twice: `_id` is the original message `_id` (history is ordered by `_id`, and the
 * original's ids are in sending order); a message without one gets an id whose timestamp is its
 * `createdAt` and whose other 8 bytes hash its chat and index. `clientMessageId` is that `_id` as
 * hex, as for a message the API stores without a client id (chat/chat.schema.ts).
 */
function messageDoc(
  legacy: LegacyMessage,
  index: number,
  originChat: ChatDoc,
  chatId: ObjectId,
): MessageDoc | null {
  const senderId = toObjectId(legacy?.senderId);
  if (!senderId || typeof legacy.text !== 'string') return null;
  const originalId = toObjectId(legacy._id);
  const createdAt =
    toDate(legacy.createdAt) ??
    toDate(legacy.updatedAt) ??
    originalId?.getTimestamp() ??
    toDate(originChat.createdAt) ??
    originChat._id.getTimestamp();
  const _id = originalId ?? derivedId(originChat._id, index, createdAt);
  return {
    _id,
    chatId,
    senderId,
    text: legacy.text,
    clientMessageId: _id.toHexString(),
    createdAt,
  };
}

function derivedId(chatId: ObjectId, index: number, createdAt: Date): ObjectId {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.max(0, Math.floor(createdAt.getTime() / 1000)) % 2 ** 32, 0);
  createHash('sha256').update(`${chatId.toHexString()}:${index}`).digest().copy(bytes, 4, 0, 8);
  return new ObjectId(bytes);
}

/** Inserts the messages, skipping those already there (an earlier, interrupted run). */
async function insertMessages(messages: Collection<MessageDoc>, docs: MessageDoc[]) {
  let inserted = 0;
  for (let i = 0; i < docs.length; i += MESSAGE_CHUNK) {
    const chunk = docs.slice(i, i + MESSAGE_CHUNK);
    try {
      inserted += (await messages.insertMany(chunk, { ordered: false })).insertedCount;
    } catch (error) {
      const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
      if (writeErrors.length === 0 || !writeErrors.every((e) => isDuplicateKeyError(e))) {
        throw error;
      }
      inserted += (error as MongoBulkWriteError).insertedCount;
    }
  }
  return inserted;
}

/**
 * Moves messages stored under a duplicate chat to the survivor. A message the survivor already
 * holds (same sender and client id: the unique index) is the same message, so its copy goes.
 */
async function repoint(messages: Collection<MessageDoc>, from: ObjectId, to: ObjectId) {
  try {
    return (await messages.updateMany({ chatId: from }, { $set: { chatId: to } })).modifiedCount;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  let moved = 0;
  for (;;) {
    const batch = await messages
      .find({ chatId: from }, { projection: { _id: 1 } })
      .limit(MESSAGE_CHUNK)
      .toArray();
    if (batch.length === 0) return moved;
    for (const { _id } of batch) {
      try {
        const result = await messages.updateOne({ _id, chatId: from }, { $set: { chatId: to } });
        moved += result.modifiedCount;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        await messages.deleteOne({ _id, chatId: from });
      }
    }
  }
}

/** Migrated messages count as read (as in a migrated chat): `lastReadAt` up to the newest. */
function readUpTo(pair: [ObjectId, ObjectId], docs: MessageDoc[]): Record<string, Date> {
  const newest = latest(...docs.map((doc) => doc.createdAt));
  if (!newest) return {};
  return Object.fromEntries(pair.map((id) => [`lastReadAt.${id.toHexString()}`, newest]));
}

/** The chat's newest message by `_id`, as the API orders history and picks `lastMessage`. */
async function newestMessage(
  messages: Collection<MessageDoc>,
  chatId: ObjectId,
): Promise<LastMessage | null> {
  const newest = await messages.find({ chatId }).sort({ _id: -1 }).limit(1).next();
  return newest
    ? {
        messageId: newest._id,
        text: newest.text,
        senderId: newest.senderId,
        createdAt: newest.createdAt,
      }
    : null;
}

/**
 * Migrates one legacy chat. 'retry' when it changed under us (re-read and run again): every step
 * is idempotent and the last write (unset or delete) is conditional on the array being unchanged.
 */
async function migrateChat(
  chats: Collection<ChatDoc>,
  messages: Collection<MessageDoc>,
  chat: ChatDoc,
  counts: Counts,
): Promise<'done' | 'retry'> {
  const pair = participantsOf(chat);
  if (!pair) {
    counts.chatsSkipped += 1;
    return 'done';
  }
  const pairKey = `${pair[0].toHexString()}_${pair[1].toHexString()}`;
  const embedded: unknown[] = Array.isArray(chat.messages) ? chat.messages : [];
  const unchanged: Filter<ChatDoc> = Array.isArray(chat.messages)
    ? { _id: chat._id, messages: { $size: embedded.length } }
    : { _id: chat._id, messages: { $exists: true } };

  // The survivor of the pair is the chat holding its pairKey; chats are visited oldest first,
  // so before the API ever ran that is the oldest chat of the pair, which claims it here.
  let survivorId = (await chats.findOne({ pairKey }, { projection: { _id: 1 } }))?._id;
  if (!survivorId) {
    try {
      const claim = await chats.updateOne(unchanged, { $set: { pairKey, participants: pair } });
      if (claim.matchedCount === 0) return 'retry';
    } catch (error) {
      // The unique pairKey index exists and another chat took the key: merge into it.
      if (isDuplicateKeyError(error)) return 'retry';
      throw error;
    }
    survivorId = chat._id;
  }

  const docs: MessageDoc[] = [];
  embedded.forEach((legacy, index) => {
    const doc = messageDoc(legacy as LegacyMessage, index, chat, survivorId);
    if (doc) docs.push(doc);
  });
  const skipped = embedded.length - docs.length;
  counts.messagesMoved += await insertMessages(messages, docs);

  if (survivorId.equals(chat._id)) {
    const lastMessage = await newestMessage(messages, chat._id);
    const createdAt = toDate(chat.createdAt) ?? chat._id.getTimestamp();
    const updatedAt = latest(toDate(chat.updatedAt), lastMessage?.createdAt, createdAt)!;
    // The original tracked no reads: every existing message counts as read (unread 0, read up to
    // the newest message; never, like a new chat, without one) rather than lighting up every old
    // conversation's badge.
    const readAt = lastMessage?.createdAt ?? null;
    const [a, b] = pair.map((id) => id.toHexString());
    const result = await chats.updateOne(unchanged, {
      $set: {
        pairKey,
        participants: pair,
        lastMessage,
        lastMessageAt: lastMessage?.createdAt ?? null,
        unread: { [a]: 0, [b]: 0 },
        lastReadAt: { [a]: readAt, [b]: readAt },
        createdAt,
        updatedAt,
      },
      $unset: { messages: 1 },
    });
    if (result.matchedCount === 0) return 'retry';
    counts.chatsMigrated += 1;
  } else {
    // A duplicate: its messages are now the survivor's; any it had in `messages` follow them.
    counts.messagesRepointed += await repoint(messages, chat._id, survivorId);
    const lastMessage = await newestMessage(messages, survivorId);
    if (lastMessage) {
      // Conditional, as the API's send: a newer message stored meanwhile keeps its summary.
      await chats.updateOne(
        {
          _id: survivorId,
          $or: [
            { lastMessage: null },
            { 'lastMessage.messageId': { $lte: lastMessage.messageId } },
          ],
        },
        {
          $set: { lastMessage, lastMessageAt: lastMessage.createdAt },
          $max: { updatedAt: lastMessage.createdAt, ...readUpTo(pair, docs) },
        },
      );
    }
    const result = await chats.deleteOne(unchanged);
    if (result.deletedCount === 0) return 'retry';
    counts.duplicatesMerged += 1;
  }
  counts.messagesSkipped += skipped;
  return 'done';
}

/**
 * The original stored each conversation as one `chats` document with an embedded, unbounded
 * `messages` array, and could hold two documents for one pair. This moves every embedded message
 * into `messages` (one document each), gives each chat its pairKey, sorted participants, last
 * message summary, unread counts and read times, and merges duplicate chats of a pair into the
 * oldest one. Portable (no transactions): each step is idempotent, so an interrupted run is
 * finished by the next one.
 */
export const chatsSplitMessages: Migration = {
  id: '2026-11-28-chats-split-messages',
  description:
    'move chats.messages into the messages collection, fill the new chat fields, merge duplicate chats of a pair',
  async up(db: Db) {
    const chats = db.collection<ChatDoc>('chats');
    const messages = db.collection<MessageDoc>('messages');
    const counts: Counts = {
      changed: 0,
      chatsMigrated: 0,
      messagesMoved: 0,
      messagesRepointed: 0,
      duplicatesMerged: 0,
      chatsSkipped: 0,
      messagesSkipped: 0,
    };
    let after: ObjectId | null = null;
    for (;;) {
      const filter: Filter<ChatDoc> = { messages: { $exists: true } };
      if (after) filter._id = { $gt: after };
      const batch = await chats.find(filter).sort({ _id: 1 }).limit(CHAT_BATCH).toArray();
      if (batch.length === 0) break;
      for (const first of batch) {
        let chat: ChatDoc | null = first;
        for (let attempt = 1; chat && 'messages' in chat; attempt += 1) {
          if (attempt > MAX_ATTEMPTS) {
            throw new Error(`Chat ${first._id.toHexString()} kept changing during the migration`);
          }
          if ((await migrateChat(chats, messages, chat, counts)) === 'done') break;
          chat = await chats.findOne({ _id: first._id });
        }
      }
      after = batch[batch.length - 1]._id;
    }
    counts.changed =
      counts.chatsMigrated +
      counts.duplicatesMerged +
      counts.messagesMoved +
      counts.messagesRepointed;
    return counts;
  },
};
