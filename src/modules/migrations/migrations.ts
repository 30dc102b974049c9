import type { Migration } from './migration';
import { chatsSplitMessages } from './scripts/2026-11-28-chats-split-messages';
import { usersFeedPriority } from './scripts/2026-11-28-users-feed-priority';
import { usersDropDefaultAbout } from './scripts/2026-11-28-users-drop-default-about';
import { usersSkillsKey } from './scripts/2026-11-28-users-skillskey';
import { messagesHistoryKey } from './scripts/2026-12-04-messages-history-key';

/** Every migration, oldest first. Append only; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  usersSkillsKey,
  usersDropDefaultAbout,
  chatsSplitMessages,
  usersFeedPriority,
  messagesHistoryKey,
];
