import type { Db } from 'mongodb';
import type { Migration } from '../migration';

/**
 * The feed's priority tier reads `feedPriorityUntil`, which ELITE grants write from now on; members
 * granted before it existed get it from their current expiry (FREE/PRO and lapsed plans: none).
 */
export const usersFeedPriority: Migration = {
  id: '2026-11-28-users-feed-priority',
  description: 'set users.feedPriorityUntil = membershipExpiry for ELITE members without it',
  // Batched reads and one update per user (no pipeline updates: FerretDB 1.24 lacks them); each
  // update re-checks its condition, so a re-run or a concurrent grant changes nothing twice.
  async up(db: Db) {
    const users = db.collection('users');
    const pending = { membershipType: 'ELITE', feedPriorityUntil: { $exists: false } };
    let changed = 0;
    for (;;) {
      const batch = await users
        .find(
          { ...pending, membershipExpiry: { $type: 'date' } },
          { projection: { membershipExpiry: 1 } },
        )
        .limit(500)
        .toArray();
      if (batch.length === 0) return { changed };
      const result = await users.bulkWrite(
        batch.map((user) => ({
          updateOne: {
            filter: { _id: user._id, ...pending },
            update: { $set: { feedPriorityUntil: user.membershipExpiry as Date } },
          },
        })),
      );
      changed += result.modifiedCount;
    }
  },
};
