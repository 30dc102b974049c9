import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { Types } from 'mongoose';
import {
  countFreshForMs,
  decodeFeedCount,
  encodeFeedCount,
  FeedCountCache,
  FEED_COUNT_KEEP_MS,
  FEED_COUNT_MAX_FRESH_MS,
  FEED_COUNT_REFRESH_LOCK_MS,
  FEED_COUNT_TTL_MS,
} from './feed-count.cache';

/** A Redis of one map, with SET's NX. */
function countCache() {
  const store = new Map<string, string>();
  const redis = {
    mgetBuffer: jest.fn((keys: string[]) =>
      Promise.resolve(keys.map((key) => (store.has(key) ? Buffer.from(store.get(key)!) : null))),
    ),
    set: jest.fn((key: string, value: string, _px: string, _ms: number, nx?: string) => {
      if (nx && store.has(key)) return Promise.resolve(null);
      store.set(key, value);
      return Promise.resolve('OK');
    }),
  };
  const cache = new FeedCountCache(redis as unknown as Redis);
  const keyOf = async (viewer: Types.ObjectId, skills: string[] | undefined) => {
    redis.mgetBuffer.mockClear();
    await cache.total(viewer, skills, loads(10, 7));
    return redis.mgetBuffer.mock.calls[0][0][1];
  };
  return { cache, redis, store, keyOf };
}

/** Both counts, constant. */
const loads = (candidates: number, excluded: number) => ({
  candidates: jest.fn(() => Promise.resolve(candidates)),
  excluded: jest.fn(() => Promise.resolve(excluded)),
});
/** The viewer's own count from `excluded`, over a shared count of 100. */
const own = (excluded: () => Promise<number>) => ({
  candidates: () => Promise.resolve(100),
  excluded,
});

/** A viewer's no-filter total when their own count is `excluded`. */
const ownTotal = (cache: FeedCountCache, viewer: Types.ObjectId, excluded: number) =>
  cache.total(
    viewer,
    undefined,
    own(() => Promise.resolve(excluded)),
  );

/** Lets background refreshes run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('FeedCountCache keys', () => {
  const viewer = new Types.ObjectId();

  it('the same skills in any order share one key, and the caller’s array is not reordered', async () => {
    const { keyOf } = countCache();
    const skills = ['react', 'go', 'node.js'];
    const key = await keyOf(viewer, skills);
    expect(key).toMatch(new RegExp(`^feed-excluded:${viewer.toHexString()}:[A-Za-z0-9_-]+$`));
    expect(await keyOf(viewer, ['go', 'node.js', 'react'])).toBe(key);
    expect(await keyOf(viewer, ['node.js', 'react', 'go'])).toBe(key);
    expect(skills).toEqual(['react', 'go', 'node.js']);
  });

  it('different skills, viewers, or no filter give different keys; no filter is "all"', async () => {
    const { keyOf } = countCache();
    const key = await keyOf(viewer, ['react', 'go']);
    expect(await keyOf(viewer, ['react'])).not.toBe(key);
    expect(await keyOf(new Types.ObjectId(), ['react', 'go'])).not.toBe(key);
    expect(await keyOf(viewer, undefined)).toBe(`feed-excluded:${viewer.toHexString()}:all`);
    expect(await keyOf(viewer, [])).toBe(`feed-excluded:${viewer.toHexString()}:all`);
  });
});

describe('FeedCountCache: the filter’s candidates less the viewer’s excluded ones', () => {
  it('one count of the candidates per filter serves every viewer after their first page', async () => {
    const { cache, store } = countCache();
    const [alice, bob] = [new Types.ObjectId(), new Types.ObjectId()];
    const first = loads(90, 4);
    await expect(cache.total(alice, ['go', 'react'], first)).resolves.toBe(86);
    await expect(cache.total(alice, ['react', 'go'], first)).resolves.toBe(86);
    expect(first.candidates).toHaveBeenCalledTimes(1);
    // Bob's first page counts both; his later pages, like Alice's, reuse the shared count.
    const bobs = loads(95, 1);
    await expect(cache.total(bob, ['go', 'react'], bobs)).resolves.toBe(94);
    await expect(cache.total(alice, ['go', 'react'], loads(0, 0))).resolves.toBe(91);
    const keys = [...store.keys()];
    expect(keys.filter((key) => key.startsWith('feed-candidates:'))).toHaveLength(1);
    expect(
      keys.filter((key) => key.startsWith('feed-excluded:')).map((k) => k.split(':')[1]),
    ).toEqual([alice.toHexString(), bob.toHexString()]);
  });

  it('never below zero; no filter shares the "all" key', async () => {
    const { cache, store } = countCache();
    await expect(cache.total(new Types.ObjectId(), undefined, loads(3, 5))).resolves.toBe(0);
    expect(store.has('feed-candidates:all')).toBe(true);
  });
});

describe('FeedCountCache: a page never waits for a count once one exists', () => {
  const viewer = new Types.ObjectId();
  const key = `feed-excluded:${viewer.toHexString()}:all`;

  it('the first page counts and keeps the count with when it was computed', async () => {
    const { cache, redis, store } = countCache();
    await expect(ownTotal(cache, viewer, 42)).resolves.toBe(58);
    expect(redis.set).toHaveBeenCalledWith(
      key,
      expect.stringMatching(/^42:\d+:\d+$/),
      'PX',
      FEED_COUNT_KEEP_MS,
    );
    expect(decodeFeedCount(store.get(key)!)!.count).toBe(42);
  });

  it('concurrent first pages share one count; a later miss counts again', async () => {
    const { cache } = countCache();
    let finish!: (count: number) => void;
    const load = jest.fn(() => new Promise<number>((resolve) => (finish = resolve)));
    const pages = [1, 2, 3].map(() => cache.total(viewer, ['Go'], own(load)));
    await settle();
    finish(9);
    await expect(Promise.all(pages)).resolves.toEqual([91, 91, 91]);
    expect(load).toHaveBeenCalledTimes(1);
    const failing = jest.fn(() => Promise.reject(new Error('database down')));
    await expect(cache.total(viewer, ['Rust'], own(failing))).rejects.toThrow('database down');
    await expect(
      cache.total(
        viewer,
        ['Rust'],
        own(() => Promise.resolve(3)),
      ),
    ).resolves.toBe(97);
  });

  it("counts read ahead (with a page's first reads) are used as they are: no read of its own", async () => {
    const { cache, redis, store } = countCache();
    const now = Date.now();
    store.set(key, encodeFeedCount(42, now));
    const stored = cache.read(viewer, undefined);
    await stored;
    expect(redis.mgetBuffer).toHaveBeenCalledTimes(1);
    const load = jest.fn(() => Promise.resolve(0));
    await expect(cache.total(viewer, undefined, own(load), now, stored)).resolves.toBe(58);
    expect(redis.mgetBuffer).toHaveBeenCalledTimes(1);
    expect(load).not.toHaveBeenCalled();
  });

  it('a fresh count is served without counting', async () => {
    const { cache, store } = countCache();
    const now = Date.now();
    store.set(key, encodeFeedCount(42, now - FEED_COUNT_TTL_MS + 1000));
    const load = jest.fn(() => Promise.resolve(0));
    await expect(cache.total(viewer, undefined, own(load), now)).resolves.toBe(58);
    await settle();
    expect(load).not.toHaveBeenCalled();
  });

  it('an old count is served while one refresh (per lock window) stores a new one', async () => {
    const { cache, store } = countCache();
    const now = Date.now();
    store.set(key, encodeFeedCount(42, now - FEED_COUNT_TTL_MS));
    let finish: (n: number) => void = () => undefined;
    const load = jest.fn(() => new Promise<number>((resolve) => (finish = resolve)));
    await expect(cache.total(viewer, undefined, own(load), now)).resolves.toBe(58);
    await expect(cache.total(viewer, undefined, own(load), now)).resolves.toBe(58);
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
    finish(40);
    await settle();
    await settle();
    expect(decodeFeedCount(store.get(key)!)!.count).toBe(40);
  });

  it('pages that find the count old ask for its refresh lock once per lock window', async () => {
    const { cache, store, redis } = countCache();
    const now = Date.now();
    store.set(key, encodeFeedCount(42, now - FEED_COUNT_TTL_MS));
    store.set(`${key}:refresh`, '1'); // another instance is refreshing it
    const load = jest.fn(() => Promise.resolve(40));
    const lockRequests = () =>
      redis.set.mock.calls.filter(([name]) => name === `${key}:refresh`).length;
    for (let i = 0; i < 5; i++) {
      await expect(cache.total(viewer, undefined, own(load), now + i)).resolves.toBe(58);
    }
    await settle();
    expect(lockRequests()).toBe(1);
    expect(load).not.toHaveBeenCalled();

    store.delete(`${key}:refresh`); // that instance's lock expired without a new count
    const later = now + FEED_COUNT_REFRESH_LOCK_MS;
    await expect(cache.total(viewer, undefined, own(load), later)).resolves.toBe(58);
    await settle();
    await settle();
    expect(lockRequests()).toBe(2);
    expect(load).toHaveBeenCalledTimes(1);
    expect(decodeFeedCount(store.get(key)!)!.count).toBe(40);
  });

  it('a count that was slow to compute stays fresh longer before it is refreshed', async () => {
    const { cache, store } = countCache();
    const now = Date.now();
    const load = jest.fn(() => Promise.resolve(0));
    store.set(key, encodeFeedCount(42, now - 2 * FEED_COUNT_TTL_MS, 200)); // took 200 ms: 2 min
    await expect(cache.total(viewer, undefined, own(load), now)).resolves.toBe(58);
    await settle();
    expect(load).not.toHaveBeenCalled();
    store.set(key, encodeFeedCount(42, now - 2 * FEED_COUNT_TTL_MS, 10)); // cheap: 30 s
    await expect(cache.total(viewer, undefined, own(load), now)).resolves.toBe(58);
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('Redis down: counts on the request path', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { cache, redis } = countCache();
    redis.mgetBuffer.mockRejectedValueOnce(new Error('down'));
    await expect(ownTotal(cache, viewer, 5)).resolves.toBe(95);
  });
});

describe('encodeFeedCount / decodeFeedCount', () => {
  it('round-trips; the older two-field form took 0 ms; anything else is no count', () => {
    expect(decodeFeedCount(encodeFeedCount(12, 345, 67))).toEqual({
      count: 12,
      at: 345,
      tookMs: 67,
    });
    expect(decodeFeedCount('12:345')).toEqual({ count: 12, at: 345, tookMs: 0 });
    for (const raw of [null, '', '12', 'x:1', '-1:2', '1:2:x', '1:2:3:4'])
      expect(decodeFeedCount(raw)).toBeNull();
  });
});

describe('countFreshForMs', () => {
  it('30 s for a cheap count, longer for a dear one, never beyond the cap', () => {
    expect(countFreshForMs(0)).toBe(FEED_COUNT_TTL_MS);
    expect(countFreshForMs(10)).toBe(FEED_COUNT_TTL_MS);
    expect(countFreshForMs(100)).toBe(60_000);
    expect(countFreshForMs(10_000)).toBe(FEED_COUNT_MAX_FRESH_MS);
  });
});
