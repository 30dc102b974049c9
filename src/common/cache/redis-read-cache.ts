import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { readBatcherOf, type RedisReadBatcher } from '../redis/read-batcher';

/** A value written by {@link RedisReadCache.invalidate}: "changed just now, read the database". */
const INVALIDATED = Buffer.from('~');

export interface RedisReadCacheOptions<T> {
  /** Key namespace inside the client's prefix, e.g. `user`. */
  namespace: string;
  /** How long a filled entry lives: the bound on staleness if an invalidation is ever lost. */
  ttlMs: number;
  /** A shorter life for a value that stops holding at a known moment (ms from now). */
  ttlMsOf?(value: T): number;
  /** How long an invalidation keeps readers away from the cache (longer than any read takes). */
  invalidationMs: number;
  encode(value: T): Buffer | string;
  decode(raw: Buffer): T;
  /**
   * For values no reader mutates: keep this many decoded values in process, each reused while its
   * entry's bytes are unchanged (a byte comparison instead of a parse).
   */
  rememberDecoded?: number;
}

/**
 * Read-through cache in Redis, shared by every instance, for data whose writes all go through
 * our own repositories.
 *
 * Readers fill the cache only if the key is absent (`SET NX`); writers, after their database
 * write, leave a short-lived marker that readers neither use nor overwrite. So a reader that
 * loaded the old value just before a write can never put it back, and no instance serves a value
 * older than the last write once that write has returned. Redis errors never fail a request:
 * reads fall back to the database.
 */
export class RedisReadCache<T> {
  private readonly logger: Logger;
  /** By key: the bytes last decoded (a copy) and the value (see `rememberDecoded`). */
  private readonly decoded = new Map<string, { raw: Buffer; value: T }>();
  /** Reads started in the current tick, by key (see {@link get}); replaced when the tick ends. */
  private startedThisTick = new Map<string, Promise<T | null>>();
  /** Database loads of absent keys in flight here, by key (see {@link loadAbsent}). */
  private readonly loadingAbsent = new Map<string, Promise<T | null>>();
  private readonly reads: RedisReadBatcher;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisReadCacheOptions<T>,
  ) {
    this.logger = new Logger(`RedisReadCache(${options.namespace})`);
    this.reads = readBatcherOf(redis);
  }

  /**
   * The value under `id`: Redis, else `load()` (and a fill). With `rememberDecoded` (values shared
   * by every reader), a second read of a key in the same tick shares the first one: both would
   * have left in one pipeline and got the same bytes (the access guard and a route's prefetch
   * read the caller this way).
   */
  get(id: string, load: () => Promise<T | null>): Promise<T | null> {
    const key = this.key(id);
    if (!this.options.rememberDecoded) return this.readThrough(key, load);
    const started = this.startedThisTick.get(key);
    if (started) return started;
    const reading = this.readThrough(key, load);
    // A new map, not clear(): a cleared map keeps every later tick's reads alive through young
    // collections (docs/performance.md, "Replaced hash tables that kept every request alive").
    if (this.startedThisTick.size === 0) process.nextTick(() => (this.startedThisTick = new Map()));
    this.startedThisTick.set(key, reading);
    return reading;
  }

  private async readThrough(key: string, load: () => Promise<T | null>): Promise<T | null> {
    let raw: Buffer | null;
    try {
      raw = await this.reads.get(key);
    } catch (error) {
      this.logger.warn({ msg: 'Cache read failed; reading the database', err: error });
      return load();
    }
    if (raw && !raw.equals(INVALIDATED)) {
      try {
        return this.decodeEntry(key, raw);
      } catch (error) {
        this.logger.warn({ msg: 'Undecodable cache entry; reading the database', key, err: error });
      }
    }
    if (raw !== null) return load();
    return this.options.rememberDecoded ? this.loadAbsent(key, load) : this.loadAndFill(key, load);
  }

  private async loadAndFill(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const value = await load();
    if (value !== null) {
      this.redis
        .set(key, this.options.encode(value), 'PX', this.fillTtlMs(value), 'NX')
        .catch((error: unknown) => this.logger.warn({ msg: 'Cache fill failed', err: error }));
    }
    return value;
  }

  /**
   * Readers that find a key absent while another reader here is loading it share that load:
   * after an expiry, concurrent requests for one key cost one query, not one each. Only a reader
   * that found the key absent joins, never one that found an invalidation marker: a load already in
   * flight may predate the write that left the marker. Values are shared, so only caches whose
   * readers never mutate a value (`rememberDecoded`) do this.
   */
  private loadAbsent(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const inFlight = this.loadingAbsent.get(key);
    if (inFlight) return inFlight;
    const loading = this.loadAndFill(key, load).finally(() => this.loadingAbsent.delete(key));
    this.loadingAbsent.set(key, loading);
    return loading;
  }

  /**
   * Many entries in one round trip (`MGET`); what is missing is loaded with one `loadMany` call
   * and filled under the same rules as {@link get}. Values without an entry are left out.
   */
  async getMany(
    ids: string[],
    loadMany: (missing: string[]) => Promise<T[]>,
    idOf: (value: T) => string,
  ): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    if (ids.length === 0) return found;
    let raws: (Buffer | null)[];
    try {
      raws = await this.reads.getMany(ids.map((id) => this.key(id)));
    } catch (error) {
      this.logger.warn({ msg: 'Cache read failed; reading the database', err: error });
      raws = ids.map(() => INVALIDATED);
    }
    const missing: string[] = [];
    const fillable = new Set<string>();
    ids.forEach((id, index) => {
      const raw = raws[index];
      if (raw && !raw.equals(INVALIDATED)) {
        try {
          found.set(id, this.decodeEntry(this.key(id), raw));
          return;
        } catch {
          // undecodable: reload below, leave the entry to expire
        }
      }
      missing.push(id);
      if (raw === null) fillable.add(id);
    });
    if (missing.length === 0) return found;
    const loaded = await loadMany(missing);
    const pipeline = this.redis.pipeline();
    for (const value of loaded) {
      const id = idOf(value);
      found.set(id, value);
      if (fillable.has(id)) {
        pipeline.set(this.key(id), this.options.encode(value), 'PX', this.fillTtlMs(value), 'NX');
      }
    }
    if (pipeline.length > 0) {
      pipeline
        .exec()
        .catch((error: unknown) => this.logger.warn({ msg: 'Cache fill failed', err: error }));
    }
    return found;
  }

  /** Call after the database write. Errors are logged: entries still expire after `ttlMs`. */
  async invalidate(...ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      const pipeline = this.redis.pipeline();
      for (const id of ids)
        pipeline.set(this.key(id), INVALIDATED, 'PX', this.options.invalidationMs);
      const results = (await pipeline.exec()) ?? [];
      const failure = results.find(([error]) => error)?.[0];
      if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    } catch (error) {
      this.logger.error({ msg: 'Cache invalidation failed', ids, err: error });
    }
  }

  /** Stores a value that is authoritative (e.g. "revoked"), replacing whatever is cached. */
  async put(id: string, value: T, ttlMs = this.options.ttlMs): Promise<void> {
    try {
      await this.redis.set(this.key(id), this.options.encode(value), 'PX', Math.max(1, ttlMs));
    } catch (error) {
      this.logger.error({ msg: 'Cache write failed', id, err: error });
    }
  }

  private decodeEntry(key: string, raw: Buffer): T {
    const limit = this.options.rememberDecoded ?? 0;
    if (limit === 0) return this.options.decode(raw);
    const known = this.decoded.get(key);
    if (known?.raw.equals(raw)) return known.value;
    // Shared by every later reader of these bytes: a reader that mutates it fails loudly.
    const value = Object.freeze(this.options.decode(raw));
    this.decoded.delete(key);
    if (this.decoded.size >= limit) this.decoded.delete(this.decoded.keys().next().value as string);
    // A copy: the reply may be a view of the client's larger read buffer.
    this.decoded.set(key, { raw: Buffer.from(raw), value });
    return value;
  }

  private fillTtlMs(value: T): number {
    const own = this.options.ttlMsOf?.(value) ?? Infinity;
    return Math.max(1, Math.floor(Math.min(this.options.ttlMs, own)));
  }

  private key(id: string): string {
    return `${this.options.namespace}:${id}`;
  }
}
