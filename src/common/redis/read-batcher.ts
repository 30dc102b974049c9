import type Redis from 'ioredis';
import { Command } from 'ioredis';

/** Keys per MGET: a turn with more reads than this sends several MGETs. */
export const MAX_KEYS_PER_READ = 1000;

interface Waiter {
  start: number;
  count: number;
  /** `get`: resolves with the one value; `getMany`: with the list. */
  single: boolean;
  resolve(value: Buffer | null | (Buffer | null)[]): void;
  reject(error: unknown): void;
}

interface Batch {
  keys: string[];
  waiters: Waiter[];
  /** Writes to send ahead of the MGET, in the order they were asked for. */
  writes: Command[];
}

/**
 * Plain reads (GET, MGET) started in the same turn of the event loop on one client leave as a
 * single MGET. Auto-pipelining already sends them in one write, but each command still costs its
 * own arguments, promise, reply parsing and callbacks on our side and a command dispatch in Redis:
 * a feed page's seven reads become two MGETs, and under load the reads of every request whose
 * bytes arrived in the same turn share one (/profile: a tenth less CPU than one MGET per request).
 *
 * The MGET leaves when the turn's I/O callbacks have run (`setImmediate`), in one socket write
 * with the turn's {@link set}s (sent first), never through an auto-pipeline
 * ({@link READS_BYPASS_AUTO_PIPELINE}); while commands issued this turn are still queued in an
 * auto-pipeline it waits one more turn, so they leave first. A read may therefore be sent after a
 * write issued later in the same turn: it may see that write, never an older value than it would
 * have seen. Keys must live on one node (no Redis Cluster).
 */
export class RedisReadBatcher {
  private pending: Batch | null = null;

  constructor(private readonly redis: Redis) {}

  get(key: string): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      this.add([key], true, resolve as Waiter['resolve'], reject);
    });
  }

  // The text forms chain instead of awaiting: an await costs a promise more, on every request.

  /** {@link get} as UTF-8 text. */
  getString(key: string): Promise<string | null> {
    return this.get(key).then((value) => value?.toString() ?? null);
  }

  /** {@link getMany} as UTF-8 text. */
  getManyStrings(keys: readonly string[]): Promise<(string | null)[]> {
    return this.getMany(keys).then((values) => values.map((value) => value?.toString() ?? null));
  }

  /**
   * `SET key value PX ttlMs`, sent with this turn's reads, ahead of them and in one socket write:
   * a SET on a request's path otherwise costs an auto-pipeline of its own (and makes the turn's
   * MGET wait behind it).
   */
  set(key: string, value: string, ttlMs: number): Promise<unknown> {
    const command = new Command('set', [key, value, 'PX', ttlMs], {
      keyPrefix: this.redis.options.keyPrefix,
      replyEncoding: 'utf8',
    });
    this.batch().writes.push(command);
    return command.promise;
  }

  /** Values in the order of `keys` (`null` for a missing key). */
  getMany(keys: readonly string[]): Promise<(Buffer | null)[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.add(keys, false, resolve as Waiter['resolve'], reject);
    });
  }

  private add(
    keys: readonly string[],
    single: boolean,
    resolve: Waiter['resolve'],
    reject: Waiter['reject'],
  ): void {
    if (this.pending && this.pending.keys.length + keys.length > MAX_KEYS_PER_READ) this.flush();
    const batch = this.batch();
    batch.waiters.push({ start: batch.keys.length, count: keys.length, single, resolve, reject });
    for (const key of keys) batch.keys.push(key);
  }

  private batch(): Batch {
    if (!this.pending) {
      this.pending = { keys: [], waiters: [], writes: [] };
      setImmediate(() => this.flush());
    }
    return this.pending;
  }

  private flush(): void {
    const batch = this.pending;
    if (!batch) return;
    this.pending = null;
    // Queued auto-pipelines leave in this turn's immediates; joining one instead would put the
    // replies where its map's chain keeps them (see READS_BYPASS_AUTO_PIPELINE).
    if (this.redis.autoPipelineQueueSize > 0) setImmediate(() => void this.answer(batch));
    else void this.answer(batch);
  }

  private async answer(batch: Batch): Promise<void> {
    let values: (Buffer | null)[];
    try {
      values = await this.send(batch);
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
      return;
    }
    for (const waiter of batch.waiters) {
      const { start, count } = waiter;
      waiter.resolve(waiter.single ? values[start] : values.slice(start, start + count));
    }
  }

  /** The writes, then the MGET (if any key), corked into one socket write when connected. */
  private send({ keys, writes }: Batch): Promise<(Buffer | null)[]> {
    const stream = writes.length > 0 && this.redis.status === 'ready' ? this.redis.stream : null;
    stream?.cork();
    try {
      for (const write of writes) void this.redis.sendCommand(write);
      return keys.length > 0 ? this.redis.mgetBuffer(keys) : Promise.resolve([]);
    } finally {
      stream?.uncork();
    }
  }
}

/**
 * For the client's `autoPipeliningIgnoredCommands`: the batcher's MGET is already one command per
 * turn, and an auto-pipeline costs a Pipeline, its promises and an entry in ioredis's map of
 * pending pipelines, set and deleted every turn. A map churned like that keeps whatever its
 * replaced tables held alive through young collections (docs/performance.md, "Replaced hash
 * tables that kept every request alive"): a fifth of `/profile`'s time went to copying them.
 */
export const READS_BYPASS_AUTO_PIPELINE = ['mget'];

const batchers = new WeakMap<Redis, RedisReadBatcher>();

/** The one batcher of a client: reads coalesce only when every reader of the client shares it. */
export function readBatcherOf(redis: Redis): RedisReadBatcher {
  let batcher = batchers.get(redis);
  if (!batcher) {
    batcher = new RedisReadBatcher(redis);
    batchers.set(redis, batcher);
  }
  return batcher;
}
