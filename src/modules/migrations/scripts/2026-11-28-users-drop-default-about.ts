import type { Db } from 'mongodb';
import type { Migration } from '../migration';

/** The text the original system stored in every new profile; the SPA showed it on every card. */
const ORIGINAL_DEFAULT_ABOUT = 'This is the default about section.';

/** New profiles store no `about`; profiles that still carry the old placeholder lose it too. */
export const usersDropDefaultAbout: Migration = {
  id: '2026-11-28-users-drop-default-about',
  description: 'unset users.about where it is the original placeholder text',
  async up(db: Db) {
    const result = await db
      .collection('users')
      .updateMany({ about: ORIGINAL_DEFAULT_ABOUT }, { $unset: { about: 1 } });
    return { changed: result.modifiedCount };
  },
};
