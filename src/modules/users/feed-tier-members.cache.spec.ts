import type Redis from 'ioredis';
import { FeedTierMembersCache } from './feed-tier-members.cache';
import type { TierMembers } from './feed-tiers';

/** Redis with an empty store whose replies arrive on a later turn, as I/O does. */
function emptyRedis() {
  const store = new Map<string, Buffer>();
  return {
    store,
    mgetBuffer: jest.fn(
      (keys: string[]) =>
        new Promise<(Buffer | null)[]>((resolve) =>
          setImmediate(() => resolve(keys.map((key) => store.get(key) ?? null))),
        ),
    ),
    set: jest.fn((key: string, value: string) => {
      store.set(key, Buffer.from(value));
      return Promise.resolve('OK');
    }),
  };
}

const members: TierMembers = {
  since: new Date('2026-12-04T12:00:00.000Z'),
  complete: true,
  members: [{ boostedAt: null, boostedUntil: null, feedPriorityUntil: new Date('2026-12-31') }],
};

describe('FeedTierMembersCache', () => {
  it('concurrent misses share one load; the filled entry is decoded once and reused', async () => {
    const redis = emptyRedis();
    const cache = new FeedTierMembersCache(redis as unknown as Redis);
    let finish: (value: TierMembers) => void = () => undefined;
    const load = jest.fn(() => new Promise<TierMembers>((resolve) => (finish = resolve)));
    const first = cache.read(load);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const second = cache.read(load);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    finish(members);
    expect(await first).toBe(await second);
    expect(load).toHaveBeenCalledTimes(1);

    const [a, b] = [await cache.read(load), await cache.read(load)];
    expect(a).toEqual(members);
    expect(b).toBe(a);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
