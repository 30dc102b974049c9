import type Redis from 'ioredis';
import type { Command } from 'ioredis';

/**
 * Makes every MGET of `redis` fail, the way the read batcher sends it: through an auto-pipeline
 * (`mgetBuffer`) or written on its own (`sendCommand`). Other commands go through. `keysRead()`
 * lists the keys asked for, without the client's prefix; `restore()` undoes it.
 */
export function failRedisReads(redis: Redis, error = new Error('ECONNREFUSED')) {
  const keysRead: string[] = [];
  const prefix = redis.options.keyPrefix ?? '';
  const pipelined = jest.spyOn(redis, 'mgetBuffer').mockImplementation((...keys: unknown[]) => {
    keysRead.push(...keys.flat().map(String));
    return Promise.reject(error);
  });
  const send = redis.sendCommand.bind(redis);
  const direct = jest
    .spyOn(redis, 'sendCommand')
    .mockImplementation((command: Command, ...rest: unknown[]) => {
      if (command.name !== 'mget') return send(command, ...(rest as []));
      keysRead.push(...command.args.map((key) => String(key).slice(prefix.length)));
      return Promise.reject(error);
    });
  return {
    keysRead: () => [...keysRead],
    restore: () => {
      pipelined.mockRestore();
      direct.mockRestore();
    },
  };
}
