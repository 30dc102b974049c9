import type Redis from 'ioredis';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** A storage over a Redis whose `eval` answers what the fixed-window script would: [hits, pttl]. */
function storageAnswering(hits: number, pttl: number) {
  const evalScript = jest.fn((..._args: unknown[]) => Promise.resolve([hits, pttl]));
  const storage = new RedisThrottlerStorage({ eval: evalScript } as unknown as Redis);
  return { storage, evalScript };
}

describe('RedisThrottlerStorage.increment', () => {
  it('runs the script once on the throttler-scoped key with the window in ms', async () => {
    const { storage, evalScript } = storageAnswering(1, 900_000);
    await storage.increment('signup:203.0.113.7', 900_000, 10, 0, 'signup');
    expect(evalScript).toHaveBeenCalledTimes(1);
    const [script, keyCount, key, ttl] = evalScript.mock.calls[0];
    expect(script).toEqual(expect.stringContaining("redis.call('INCR', KEYS[1])"));
    expect(keyCount).toBe(1);
    expect(key).toBe('ratelimit:signup:signup:203.0.113.7');
    expect(ttl).toBe('900000');
  });

  it.each<[string, number, number, number, boolean, number]>([
    // name, limit, hits, pttl (ms), blocked, seconds to expiry
    ['the first hit', 10, 1, 900_000, false, 900],
    ['below the limit', 10, 9, 600_000, false, 600],
    ['exactly the limit', 10, 10, 1_000, false, 1],
    ['limit + 1', 10, 11, 899_001, true, 900],
    ['far over the limit', 3, 50, 120_000, true, 120],
    ['limit 1, second hit', 1, 2, 59_999, true, 60],
    ['ttl rounds up to whole seconds', 10, 11, 1, true, 1],
    ['ttl of a whole second stays', 10, 11, 2_000, true, 2],
    ['ttl just over a second', 10, 11, 1_001, true, 2],
    ['ttl 0 (expiring now)', 10, 11, 0, true, 0],
  ])(
    '%s: %i allowed, hit %i, pttl %i → blocked %s, timeToExpire %i',
    async (_name, limit, hits, pttl, blocked, seconds) => {
      const { storage } = storageAnswering(hits, pttl);
      expect(await storage.increment('k', 900_000, limit, 0, 'signup')).toEqual({
        totalHits: hits,
        timeToExpire: seconds,
        isBlocked: blocked,
        timeToBlockExpire: blocked ? seconds : 0,
      });
    },
  );

  it('propagates a Redis failure instead of reporting an allowed hit', async () => {
    const failure = new Error('Connection is closed.');
    const storage = new RedisThrottlerStorage({
      eval: () => Promise.reject(failure),
    } as unknown as Redis);
    await expect(storage.increment('k', 1000, 1, 0, 't')).rejects.toBe(failure);
  });
});
