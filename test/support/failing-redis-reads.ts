import type Redis from 'ioredis';

/**
 * Makes every MGET of `redis` fail: the read batcher sends all plain reads as one (`mgetBuffer`).
 * Other commands go through. `keysRead()` lists the keys asked for; `restore()` undoes it.
 */
export function failRedisReads(redis: Redis, error = new Error('ECONNREFUSED')) {
  const keysRead: string[] = [];
  const reads = jest.spyOn(redis, 'mgetBuffer').mockImplementation((...keys: unknown[]) => {
    keysRead.push(...keys.flat().map(String));
    return Promise.reject(error);
  });
  return {
    keysRead: () => [...keysRead],
    restore: () => reads.mockRestore(),
  };
}
