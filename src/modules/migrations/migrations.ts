import type { Migration } from './migration';
import { usersSkillsKey } from './scripts/2026-11-28-users-skillskey';

/** Every migration, oldest first. Append only; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [usersSkillsKey];
