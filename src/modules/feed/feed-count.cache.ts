import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Types } from 'mongoose';
import { BoundedMemo } from '../../common/cache/bounded-memo';
import { readBatcherOf } from '../../common/redis/read-batcher';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { feedFilterKey } from './feed-paging';

/** How old `pagination.totalUsers` may be before a page asks for a fresh count (a cheap count). */
export const FEED_COUNT_TTL_MS = 30_000;
/** The longest a count is used without a refresh, however long counting takes. */
export const FEED_COUNT_MAX_FRESH_MS = 5 * 60_000;
/** Per ms a count took to compute, how long it stays fresh (a 100 ms count: one minute). */
const FRESH_MS_PER_COUNT_MS = 600;
/** How long a count is kept to answer with while a fresh one is computed. */
export const FEED_COUNT_KEEP_MS = 10 * 60_000;
/** At most one refresh per count in this window, across instances. */
export const FEED_COUNT_REFRESH_LOCK_MS = 10_000;

/**
 * How long a count that took `tookMs` to compute stays fresh. Counting the candidates grows with
 * the users while the total only informs the SPA's page count, so the dearer a count is the less
 * often it is repeated.
 */
export function countFreshForMs(tookMs: number): number {
  return Math.min(
    FEED_COUNT_MAX_FRESH_MS,
    Math.max(FEED_COUNT_TTL_MS, tookMs * FRESH_MS_PER_COUNT_MS),
  );
}

/** `<count>:<computed at, ms>:<ms it took>`. */
export function encodeFeedCount(count: number, at: number, tookMs = 0): string {
  return `${count}:${at}:${Math.max(0, Math.round(tookMs))}`;
}

/** An entry of {@link encodeFeedCount}, or of the older `<count>:<at>` form (took 0 ms). */
export function decodeFeedCount(
  raw: string | null,
): { count: number; at: number; tookMs: number } | null {
  const match = raw ? /^(\d+):(\d+)(?::(\d+))?$/.exec(raw) : null;
  return match
    ? { count: Number(match[1]), at: Number(match[2]), tookMs: Number(match[3] ?? 0) }
    : null;
}

/** The two counts behind a viewer's `totalUsers` under one filter. */
export interface FeedCountLoads {
  /** Everyone the filter admits: the same for every viewer, and the count that grows with the users. */
  candidates: () => Promise<number>;
  /** Of the viewer's exclusions, those the filter admits: a lookup per excluded id. */
  excluded: () => Promise<number>;
}

type CachedCount = ReturnType<typeof decodeFeedCount>;

/** The shared and the viewer's stored counts, as read (see {@link FeedCountCache.read}). */
export type StoredCounts = Promise<(string | null)[]>;

/** Where a filter's counts live: shared by every viewer, then the viewer's own. */
function countKeys(viewerId: Types.ObjectId, skillsKey: readonly string[] | undefined) {
  const filter = feedFilterKey(skillsKey);
  return {
    shared: `feed-candidates:${filter}`,
    own: `feed-excluded:${viewerId.toHexString()}:${filter}`,
  };
}

/**
 * The feed's `totalUsers` per viewer and skills filter: the filter's candidates
 * (`feed-candidates:<filter>`, shared by every viewer) less the viewer's excluded ones
 * (`feed-excluded:<viewer>:<filter>`). The SPA only shows the total, so a page never waits for a
 * count once it has been computed: a count older than its freshness (from
 * {@link FEED_COUNT_TTL_MS}) is still served while one refresh runs in the background. A viewer's
 * first page under a filter (or one after ten idle minutes) counts both on the request's path, so
 * the total a viewer is first shown is exact.
 */
@Injectable()
export class FeedCountCache {
  private readonly logger = new Logger(FeedCountCache.name);
  /** Counts being computed on a request's path here, by key: concurrent pages wait for the one. */
  private readonly counting = new Map<string, Promise<number>>();
  /**
   * When this process last asked for a key's refresh lock, won or lost, oldest first. Every page
   * finds the count old until the refresh stores a new one (seconds, where counting is dear), and
   * each would otherwise send its own doomed `SET NX`.
   */
  private readonly refreshTried = new Map<string, number>();

  /**
   * Counts by their stored text: every page decodes the shared count, unchanged for 30 s or more,
   * and its viewer's own.
   */
  private readonly decodedCounts = new BoundedMemo<string, CachedCount>(1000);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /**
   * The stored counts {@link total} starts from (shared, then the viewer's), so a page can read
   * them with its other first reads.
   */
  read(viewerId: Types.ObjectId, skillsKey: readonly string[] | undefined): StoredCounts {
    const { shared, own } = countKeys(viewerId, skillsKey);
    return readBatcherOf(this.redis).getManyStrings([shared, own]);
  }

  async total(
    viewerId: Types.ObjectId,
    skillsKey: string[] | undefined,
    load: FeedCountLoads,
    now = Date.now(),
    stored: StoredCounts = this.read(viewerId, skillsKey),
  ): Promise<number> {
    const { shared, own } = countKeys(viewerId, skillsKey);
    let cached: CachedCount[];
    try {
      cached = (await stored).map((raw) => this.decode(raw));
    } catch (error) {
      this.logger.warn({ msg: 'Feed count read failed; counting', err: error });
      const [candidates, excluded] = await Promise.all([load.candidates(), load.excluded()]);
      return Math.max(0, candidates - excluded);
    }
    const firstPage = !cached[1];
    const candidates = this.counted(shared, firstPage ? null : cached[0], load.candidates, now);
    const excluded = this.counted(own, cached[1], load.excluded, now);
    // Every page but a viewer's first has both counts in hand: nothing to wait for.
    if (typeof candidates === 'number' && typeof excluded === 'number') {
      return Math.max(0, candidates - excluded);
    }
    const [all, theirs] = await Promise.all([candidates, excluded]);
    return Math.max(0, all - theirs);
  }

  private decode(raw: string | null): CachedCount {
    if (raw === null) return null;
    let decoded = this.decodedCounts.get(raw);
    if (decoded === undefined) {
      decoded = decodeFeedCount(raw);
      this.decodedCounts.set(raw, decoded);
    }
    return decoded;
  }

  private counted(
    key: string,
    cached: CachedCount,
    load: () => Promise<number>,
    now: number,
  ): number | Promise<number> {
    if (!cached) return this.countOnce(key, load);
    if (now - cached.at >= countFreshForMs(cached.tookMs) && this.mayTryRefresh(key, now)) {
      this.refresh(key, load);
    }
    return cached.count;
  }

  /**
   * One count per key at a time in this process: concurrent first pages (a viewer's several tabs,
   * a client retrying, or many viewers) would otherwise each run the same query.
   */
  private countOnce(key: string, load: () => Promise<number>): Promise<number> {
    let counting = this.counting.get(key);
    if (!counting) {
      const started = Date.now();
      counting = load()
        .then(async (count) => {
          await this.store(key, count, Date.now() - started);
          return count;
        })
        .finally(() => this.counting.delete(key));
      this.counting.set(key, counting);
    }
    return counting;
  }

  /** One refresh-lock request per key per lock window from this process. */
  private mayTryRefresh(key: string, now: number): boolean {
    for (const [tried, at] of this.refreshTried) {
      if (now - at < FEED_COUNT_REFRESH_LOCK_MS) break;
      this.refreshTried.delete(tried);
    }
    const triedAt = this.refreshTried.get(key);
    if (triedAt !== undefined && now - triedAt < FEED_COUNT_REFRESH_LOCK_MS) return false;
    this.refreshTried.delete(key); // re-inserted last, so the oldest tries stay first
    this.refreshTried.set(key, now);
    return true;
  }

  private refresh(key: string, load: () => Promise<number>): void {
    const run = async () => {
      const locked = await this.redis.set(
        `${key}:refresh`,
        '1',
        'PX',
        FEED_COUNT_REFRESH_LOCK_MS,
        'NX',
      );
      if (locked !== 'OK') return;
      const started = Date.now();
      const count = await load();
      await this.store(key, count, Date.now() - started);
    };
    run().catch((error: unknown) =>
      this.logger.warn({ msg: 'Feed count refresh failed', err: error }),
    );
  }

  private async store(key: string, count: number, tookMs: number): Promise<void> {
    try {
      await this.redis.set(
        key,
        encodeFeedCount(count, Date.now(), tookMs),
        'PX',
        FEED_COUNT_KEEP_MS,
      );
    } catch (error) {
      this.logger.warn({ msg: 'Feed count write failed', err: error });
    }
  }
}
