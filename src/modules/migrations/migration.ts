import type { Db } from 'mongodb';

/** What a migration reports; printed by `npm run migrate` and stored with its record. */
export interface MigrationResult {
  /** Documents changed (0 on a re-run: migrations are idempotent). */
  changed: number;
  [detail: string]: number;
}

/**
 * A one-off change to stored data, applied once per database by `npm run migrate` (never at
 * boot). `up` must be idempotent and resumable: it may be interrupted and run again, and it may
 * run while an old API version serves traffic. It uses the raw driver, not today's schemas, so
 * it keeps meaning the same thing when the schemas change.
 */
export interface Migration {
  /** Sortable and unique, e.g. `2026-11-28-users-skillskey`. */
  id: string;
  description: string;
  up(db: Db): Promise<MigrationResult>;
}
