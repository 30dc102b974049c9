import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Db } from 'mongodb';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import type { Migration, MigrationResult } from './migration';

export const MIGRATIONS_TOKEN = Symbol('MIGRATIONS');

/** A claim on a migration expires unless renewed, so a runner that died does not block forever. */
export const MIGRATION_LEASE_MS = 60_000;
const POLL_MS = 250;

interface MigrationRecord {
  _id: string;
  description: string;
  state: 'running' | 'done';
  owner: string;
  leaseUntil: Date;
  startedAt: Date;
  finishedAt?: Date;
  result?: MigrationResult;
}

export interface MigrationOutcome {
  id: string;
  outcome: 'applied' | 'already-applied' | 'applied-by-another-runner';
  result?: MigrationResult;
}

/**
 * Applies pending migrations in order and records each in the `migrations` collection. Safe to
 * run concurrently: a migration is claimed by inserting its record (unique `_id`); other runners
 * wait for it to be done. A claim is a renewed lease, so the migration of a runner that died is
 * taken over (migrations are idempotent) once the lease lapses.
 */
@Injectable()
export class MigrationRunner {
  private readonly logger = new Logger(MigrationRunner.name);
  private readonly owner = randomUUID();

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(MIGRATIONS_TOKEN) private readonly migrations: readonly Migration[],
  ) {}

  async runPending(timeoutMs = 10 * 60_000): Promise<MigrationOutcome[]> {
    const db = this.connection.db as unknown as Db;
    const records = db.collection<MigrationRecord>('migrations');
    const outcomes: MigrationOutcome[] = [];
    for (const migration of this.migrations) {
      outcomes.push(await this.apply(db, records, migration, Date.now() + timeoutMs));
    }
    return outcomes;
  }

  private async apply(
    db: Db,
    records: Collection<MigrationRecord>,
    migration: Migration,
    deadline: number,
  ): Promise<MigrationOutcome> {
    let waited = false;
    for (;;) {
      const record = await records.findOne({ _id: migration.id });
      if (record?.state === 'done') {
        return {
          id: migration.id,
          outcome: waited ? 'applied-by-another-runner' : 'already-applied',
          result: record.result,
        };
      }
      if (await this.claim(records, migration, record)) break;
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for migration ${migration.id} held by another runner`);
      }
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }

    this.logger.log({ msg: 'Migration started', migration: migration.id });
    const renew = setInterval(() => {
      void records
        .updateOne(
          { _id: migration.id, owner: this.owner },
          { $set: { leaseUntil: new Date(Date.now() + MIGRATION_LEASE_MS) } },
        )
        .catch((error: unknown) =>
          this.logger.warn({ msg: 'Migration lease renewal failed', err: error }),
        );
    }, MIGRATION_LEASE_MS / 3);
    try {
      const result = await migration.up(db);
      await records.updateOne(
        { _id: migration.id, owner: this.owner },
        { $set: { state: 'done', finishedAt: new Date(), result } },
      );
      this.logger.log({ msg: 'Migration applied', migration: migration.id, ...result });
      return { id: migration.id, outcome: 'applied', result };
    } finally {
      clearInterval(renew);
    }
  }

  /** Inserts the record, or takes over one whose lease lapsed. True when this runner owns it. */
  private async claim(
    records: Collection<MigrationRecord>,
    migration: Migration,
    existing: MigrationRecord | null,
  ): Promise<boolean> {
    const now = new Date();
    const lease = { owner: this.owner, leaseUntil: new Date(now.getTime() + MIGRATION_LEASE_MS) };
    if (!existing) {
      try {
        await records.insertOne({
          _id: migration.id,
          description: migration.description,
          state: 'running',
          startedAt: now,
          ...lease,
        });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    }
    const takeover = await records.updateOne(
      { _id: migration.id, state: 'running', leaseUntil: { $lt: now } },
      { $set: { ...lease, startedAt: now } },
    );
    if (takeover.modifiedCount === 1) {
      this.logger.warn({ msg: 'Took over a lapsed migration', migration: migration.id });
      return true;
    }
    return false;
  }
}
