import type { Db, ObjectId } from 'mongodb';
import type { Migration } from '../migration';

const BATCH = 500;

/** Users stored by the original system have no `skillsKey`, so the feed's skills filter misses them. */
export const usersSkillsKey: Migration = {
  id: '2026-11-28-users-skillskey',
  description: 'derive users.skillsKey (lowercased skills) where it is missing',
  async up(db: Db) {
    const users = db.collection<{ _id: ObjectId; skills?: unknown; skillsKey?: string[] }>('users');
    let changed = 0;
    for (;;) {
      const batch = await users
        .find({ skillsKey: { $exists: false } }, { projection: { skills: 1 } })
        .limit(BATCH)
        .toArray();
      if (batch.length === 0) return { changed };
      for (const user of batch) {
        const skills = Array.isArray(user.skills) ? user.skills : [];
        const skillsKey = skills
          .filter((skill): skill is string => typeof skill === 'string')
          .map((skill) => skill.trim().toLowerCase());
        // Conditional: a profile edit that set skillsKey meanwhile wins.
        const result = await users.updateOne(
          { _id: user._id, skillsKey: { $exists: false } },
          { $set: { skillsKey } },
        );
        changed += result.modifiedCount;
      }
    }
  },
};
