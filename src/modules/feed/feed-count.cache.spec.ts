import type Redis from 'ioredis';
import { Types } from 'mongoose';
import { FeedCountCache, FEED_COUNT_TTL_MS } from './feed-count.cache';

/** Records the keys the cache reads; every read is a miss. */
function countCache() {
  const redis = {
    getBuffer: jest.fn((_key: string): Promise<Buffer | null> => Promise.resolve(null)),
    set: jest.fn(() => Promise.resolve('OK')),
  };
  const cache = new FeedCountCache(redis as unknown as Redis);
  const keyOf = async (viewer: Types.ObjectId, skills: string[] | undefined) => {
    redis.getBuffer.mockClear();
    await cache.count(viewer, skills, () => Promise.resolve(7));
    return redis.getBuffer.mock.calls[0][0];
  };
  return { cache, redis, keyOf };
}

describe('FeedCountCache keys', () => {
  const viewer = new Types.ObjectId();

  it('the same skills in any order share one key, and the caller’s array is not reordered', async () => {
    const { keyOf } = countCache();
    const skills = ['react', 'go', 'node.js'];
    const key = await keyOf(viewer, skills);
    expect(key).toMatch(new RegExp(`^feed-count:${viewer.toHexString()}:[A-Za-z0-9_-]+$`));
    expect(await keyOf(viewer, ['go', 'node.js', 'react'])).toBe(key);
    expect(await keyOf(viewer, ['node.js', 'react', 'go'])).toBe(key);
    expect(skills).toEqual(['react', 'go', 'node.js']);
  });

  it('different skills, viewers, or no filter give different keys; no filter is "all"', async () => {
    const { keyOf } = countCache();
    const key = await keyOf(viewer, ['react', 'go']);
    expect(await keyOf(viewer, ['react'])).not.toBe(key);
    expect(await keyOf(viewer, ['react', 'rust'])).not.toBe(key);
    expect(await keyOf(new Types.ObjectId(), ['react', 'go'])).not.toBe(key);
    expect(await keyOf(viewer, undefined)).toBe(`feed-count:${viewer.toHexString()}:all`);
    expect(await keyOf(viewer, [])).toBe(`feed-count:${viewer.toHexString()}:all`);
  });

  it('counts are cached as decimal strings for the feed TTL and read back as integers', async () => {
    const { cache, redis } = countCache();
    await expect(cache.count(viewer, undefined, () => Promise.resolve(42))).resolves.toBe(42);
    expect(redis.set).toHaveBeenCalledWith(
      `feed-count:${viewer.toHexString()}:all`,
      '42',
      'PX',
      FEED_COUNT_TTL_MS,
      'NX',
    );
    redis.getBuffer.mockResolvedValueOnce(Buffer.from('42'));
    const load = jest.fn(() => Promise.resolve(0));
    await expect(cache.count(viewer, undefined, load)).resolves.toBe(42);
    expect(load).not.toHaveBeenCalled();
  });
});
