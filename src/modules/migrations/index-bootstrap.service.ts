import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Db } from 'mongodb';
import { Connection } from 'mongoose';
import { MIGRATIONS } from './migrations';

/** Tries per model when index creation meets another process creating the same indexes. */
const ATTEMPTS = 4;
/**
 * Errors of concurrent index builds: several instances booting at once on DocumentDB have hit
 * PostgreSQL's "deadlock detected"; a retry finds the indexes built.
 */
const CONCURRENT_BUILD = /deadlock detected|could not serialize access|concurrent/i;

/**
 * Why an index could not be built, and what to do: data written before a pending migration (the
 * original system's chats, say) breaks the indexes the migration prepares the data for.
 */
export function indexFailureMessage(model: string, reason: string, pending: string[]): string {
  const failure = `Index creation failed for model ${model}: ${reason}`;
  if (pending.length === 0) return failure;
  return (
    `${failure}. ${pending.length} data migration(s) have not been applied to this database ` +
    `(${pending.join(', ')}): run \`npm run migrate\`, then start the API again.`
  );
}

/** Ids of the migrations not recorded as done, oldest first. */
export async function pendingMigrationIds(db: Db | undefined): Promise<string[]> {
  if (!db) return [];
  const done = await db
    .collection<{ _id: string }>('migrations')
    .find({ state: 'done' }, { projection: { _id: 1 } })
    .toArray();
  const applied = new Set(done.map((record) => record._id));
  return MIGRATIONS.map((migration) => migration.id).filter((id) => !applied.has(id));
}

/**
 * Creates every index declared on the registered schemas before the app serves traffic.
 * Mongoose's autoIndex runs in the background and only emits errors; we await and fail the boot
 * instead, so a bad index never goes unnoticed.
 */
@Injectable()
export class IndexBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(IndexBootstrapService.name);

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onApplicationBootstrap(): Promise<void> {
    // Collections in parallel (each one's indexes in turn, as Mongoose builds them): on a loaded
    // database the builds are most of a boot, and two builds on one DocumentDB table deadlock.
    await Promise.all(this.connection.modelNames().map((name) => this.createIndexes(name)));
    this.logger.log({ msg: 'Indexes ensured', models: this.connection.modelNames() });
  }

  private async createIndexes(name: string): Promise<void> {
    const model = this.connection.model(name);
    for (let attempt = 1; ; attempt++) {
      try {
        await model.createIndexes();
        return;
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        if (attempt < ATTEMPTS && CONCURRENT_BUILD.test(message)) {
          this.logger.warn({
            msg: 'Index creation raced another process; retrying',
            model: name,
            attempt,
          });
          await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
          continue;
        }
        const pending = await pendingMigrationIds(this.connection.db).catch(() => []);
        this.logger.fatal({ msg: 'Index creation failed', err: error, model: name, pending });
        throw new Error(indexFailureMessage(name, message, pending));
      }
    }
  }
}
