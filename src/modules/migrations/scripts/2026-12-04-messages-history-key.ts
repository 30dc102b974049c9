import type { AnyBulkWriteOperation, Db, ObjectId } from 'mongodb';
import type { Migration } from '../migration';

const BATCH = 1000;

type StoredMessage = { _id: ObjectId; chatId: ObjectId; historyKey?: string | null };

/**
 * Messages stored before `historyKey` existed (or by an older instance during a rolling restart)
 * have none; until every message has one, history windows read the slower `{ chatId, _id }` index.
 */
export const messagesHistoryKey: Migration = {
  id: '2026-12-04-messages-history-key',
  description: 'set messages.historyKey (chat id then message id, in hex) where it is missing',
  async up(db: Db) {
    const messages = db.collection<StoredMessage>('messages');
    let changed = 0;
    for (;;) {
      const batch = await messages
        .find({ historyKey: null }, { projection: { chatId: 1 } })
        .limit(BATCH)
        .toArray();
      if (batch.length === 0) return { changed };
      const updates: AnyBulkWriteOperation<StoredMessage>[] = batch.map((message) => ({
        updateOne: {
          filter: { _id: message._id, historyKey: null },
          update: {
            $set: { historyKey: message.chatId.toHexString() + message._id.toHexString() },
          },
        },
      }));
      const result = await messages.bulkWrite(updates, { ordered: false });
      changed += result.modifiedCount;
    }
  },
};
