import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisReadCache } from './redis-read-cache';

const MARKER = Buffer.from('~');

/** The few ioredis calls the cache makes, as mocks over an in-memory map. */
function stubRedis(entries: Record<string, Buffer> = {}) {
  const store = new Map(Object.entries(entries));
  const pipelineSet = jest.fn();
  const exec = jest.fn((): Promise<[Error | null, unknown][] | null> => {
    const results = pipelineSet.mock.calls.map(([key, value]: [string, Buffer]) => {
      store.set(key, value);
      return [null, 'OK'] as [Error | null, unknown];
    });
    return Promise.resolve(results);
  });
  const pipeline = { set: pipelineSet, exec };
  pipelineSet.mockReturnValue(pipeline);
  const redis = {
    // A reply is I/O: it arrives in a later turn of the event loop, never in the caller's tick.
    mgetBuffer: jest.fn(
      (keys: string[]) =>
        new Promise<(Buffer | null)[]>((resolve) =>
          setImmediate(() => resolve(keys.map((key) => store.get(key) ?? null))),
        ),
    ),
    set: jest.fn((key: string, value: Buffer | string) => {
      store.set(key, Buffer.from(value));
      return Promise.resolve('OK');
    }),
    pipeline: jest.fn(() => pipeline),
  };
  return { redis, store, pipeline };
}

interface Thing {
  name: string;
}

function cacheOver(redis: ReturnType<typeof stubRedis>['redis'], rememberDecoded?: number) {
  return new RedisReadCache<Thing>(redis as unknown as Redis, {
    namespace: 'thing',
    rememberDecoded,
    ttlMs: 60_000,
    invalidationMs: 5_000,
    encode: (thing) => JSON.stringify(thing),
    decode: (raw) => {
      const value = JSON.parse(raw.toString()) as Thing;
      if (typeof value.name !== 'string') throw new Error('not a thing');
      return value;
    },
  });
}

/** Lets the fire-and-forget fill (and its `.catch`) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));
/** Lets a read started before get past its Redis read (batched on the next tick, replied on a later one). */
const pastRedisRead = async () => {
  await settle();
  await settle();
};

describe('RedisReadCache', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('a hit returns the decoded entry without calling the loader', async () => {
    const { redis } = stubRedis({ 'thing:1': Buffer.from('{"name":"cached"}') });
    const load = jest.fn(() => Promise.resolve({ name: 'db' }));

    await expect(cacheOver(redis).get('1', load)).resolves.toEqual({ name: 'cached' });
    expect(load).not.toHaveBeenCalled();
    expect(redis.mgetBuffer).toHaveBeenCalledWith(['thing:1']);
    expect(redis.set).not.toHaveBeenCalled();
  });

  it('with rememberDecoded, unchanged bytes reuse the value decoded before; new bytes decode', async () => {
    const { redis, store } = stubRedis({ 'thing:1': Buffer.from('{"name":"first"}') });
    const cache = cacheOver(redis, 1);
    const load = () => Promise.resolve(null);
    const first = await cache.get('1', load);
    expect(await cache.get('1', load)).toBe(first);
    store.set('thing:1', Buffer.from('{"name":"second"}'));
    expect(await cache.get('1', load)).toEqual({ name: 'second' });
    // A limit of one: another key pushes the first out, so its next read decodes again.
    store.set('thing:2', Buffer.from('{"name":"other"}'));
    await cache.get('2', load);
    const again = await cache.get('1', load);
    expect(again).toEqual({ name: 'second' });
    expect(await cache.get('1', load)).toBe(again);
    const plain = cacheOver(redis);
    expect(await plain.get('1', load)).not.toBe(await plain.get('1', load));
  });

  it('with rememberDecoded, reads of a key in one tick share one key of one MGET; the next tick reads again', async () => {
    const { redis, store } = stubRedis({ 'thing:1': Buffer.from('{"name":"first"}') });
    const cache = cacheOver(redis, 10);
    const load = () => Promise.resolve(null);
    const [a, b, other] = [cache.get('1', load), cache.get('1', load), cache.get('2', load)];
    expect(a).toBe(b);
    await expect(a).resolves.toEqual({ name: 'first' });
    await expect(other).resolves.toBeNull();
    expect(redis.mgetBuffer.mock.calls).toEqual([[['thing:1', 'thing:2']]]);
    store.set('thing:1', Buffer.from('{"name":"second"}'));
    await expect(cache.get('1', load)).resolves.toEqual({ name: 'second' });
    expect(redis.mgetBuffer).toHaveBeenCalledTimes(2);
    // Without it, every read is its own.
    const plain = cacheOver(redis);
    expect(plain.get('1', load)).not.toBe(plain.get('1', load));
  });

  it('a miss calls the loader and fills only if still absent (SET PX ttl NX)', async () => {
    const { redis, store } = stubRedis();
    const load = jest.fn(() => Promise.resolve({ name: 'db' }));

    await expect(cacheOver(redis).get('1', load)).resolves.toEqual({ name: 'db' });
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
    expect(redis.set).toHaveBeenCalledTimes(1);
    expect(redis.set).toHaveBeenCalledWith('thing:1', '{"name":"db"}', 'PX', 60_000, 'NX');
    expect(store.get('thing:1')?.toString()).toBe('{"name":"db"}');
  });

  it('with rememberDecoded, readers that find a key absent while it is loading share the load', async () => {
    const { redis, store } = stubRedis();
    const cache = cacheOver(redis, 10);
    let finish: (thing: Thing) => void = () => undefined;
    const load = jest.fn(() => new Promise<Thing>((resolve) => (finish = resolve)));
    const first = cache.get('1', load);
    await pastRedisRead(); // the first reader is loading
    const second = cache.get('1', load);
    await pastRedisRead();
    finish({ name: 'db' });
    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual({ name: 'db' });
    expect(b).toBe(a);
    expect(load).toHaveBeenCalledTimes(1);
    expect(redis.set).toHaveBeenCalledTimes(1);
    // Once settled, the next miss (the entry expired) loads again.
    store.delete('thing:1');
    const later = jest.fn(() => Promise.resolve({ name: 'later' }));
    await expect(cache.get('1', later)).resolves.toEqual({ name: 'later' });
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('a reader that finds the invalidation marker never joins a load in flight', async () => {
    const { redis, store } = stubRedis();
    const cache = cacheOver(redis, 10);
    let finishOld: (thing: Thing) => void = () => undefined;
    const first = cache.get('1', () => new Promise<Thing>((resolve) => (finishOld = resolve)));
    await pastRedisRead();
    store.set('thing:1', MARKER); // a write returned while the first load was in flight
    const second = cache.get('1', () => Promise.resolve({ name: 'new' }));
    await expect(second).resolves.toEqual({ name: 'new' });
    finishOld({ name: 'old' });
    await expect(first).resolves.toEqual({ name: 'old' });
  });

  it('without rememberDecoded every miss loads for itself (its readers may change the value)', async () => {
    const { redis } = stubRedis();
    const cache = cacheOver(redis);
    const finishers: ((thing: Thing) => void)[] = [];
    const load = jest.fn(() => new Promise<Thing>((resolve) => finishers.push(resolve)));
    const first = cache.get('1', load);
    await pastRedisRead();
    const second = cache.get('1', load);
    await pastRedisRead();
    for (const finish of finishers) finish({ name: 'db' });
    const [a, b] = await Promise.all([first, second]);
    expect(a).not.toBe(b);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('a failed shared load fails its readers and the next reader loads again', async () => {
    const { redis } = stubRedis();
    const cache = cacheOver(redis, 10);
    let fail: (error: Error) => void = () => undefined;
    const first = cache.get('1', () => new Promise<Thing>((_, reject) => (fail = reject)));
    await pastRedisRead();
    const second = cache.get('1', () => Promise.resolve({ name: 'unused' }));
    await pastRedisRead();
    fail(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await expect(second).rejects.toThrow('database down');
    await expect(cache.get('1', () => Promise.resolve({ name: 'db' }))).resolves.toEqual({
      name: 'db',
    });
  });

  it('a value that stops holding sooner than the TTL is filled for only as long as it holds', async () => {
    const { redis } = stubRedis();
    const cache = new RedisReadCache<Thing>(redis as unknown as Redis, {
      namespace: 'thing',
      ttlMs: 60_000,
      ttlMsOf: (thing) => (thing.name === 'brief' ? 1_500.7 : Infinity),
      invalidationMs: 5_000,
      encode: (thing) => JSON.stringify(thing),
      decode: (raw) => JSON.parse(raw.toString()) as Thing,
    });
    await cache.get('1', () => Promise.resolve({ name: 'brief' }));
    await cache.get('2', () => Promise.resolve({ name: 'lasting' }));
    await settle();
    expect(redis.set.mock.calls.map((call) => (call as unknown[])[3])).toEqual([1_500, 60_000]);
  });

  it('an invalidation marker sends readers to the loader and is never overwritten by a fill', async () => {
    const { redis, store } = stubRedis({ 'thing:1': MARKER });
    const load = jest.fn(() => Promise.resolve({ name: 'db' }));
    const cache = cacheOver(redis);

    await expect(cache.get('1', load)).resolves.toEqual({ name: 'db' });
    await expect(cache.get('1', load)).resolves.toEqual({ name: 'db' });
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    expect(redis.set).not.toHaveBeenCalled();
    expect(store.get('thing:1')).toEqual(MARKER);
  });

  it('a null from the loader is returned and not cached', async () => {
    const { redis } = stubRedis();
    const load = jest.fn(() => Promise.resolve(null));

    await expect(cacheOver(redis).get('1', load)).resolves.toBeNull();
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
    expect(redis.set).not.toHaveBeenCalled();
  });

  it('a failing Redis read falls back to the loader instead of failing', async () => {
    const { redis } = stubRedis();
    redis.mgetBuffer.mockRejectedValue(new Error('ECONNREFUSED'));
    const load = jest.fn(() => Promise.resolve({ name: 'db' }));

    await expect(cacheOver(redis).get('1', load)).resolves.toEqual({ name: 'db' });
    expect(load).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ msg: 'Cache read failed; reading the database' }),
    );
  });

  it('a failing fill is logged and the loaded value still returned', async () => {
    const { redis } = stubRedis();
    redis.set.mockRejectedValue(new Error('READONLY'));
    const load = jest.fn(() => Promise.resolve({ name: 'db' }));

    await expect(cacheOver(redis).get('1', load)).resolves.toEqual({ name: 'db' });
    await settle();
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ msg: 'Cache fill failed' }));
  });

  it('an undecodable entry falls back to the loader without caching over it', async () => {
    const { redis, store } = stubRedis({ 'thing:1': Buffer.from('{"nope":1}') });
    const load = jest.fn(() => Promise.resolve({ name: 'db' }));

    await expect(cacheOver(redis).get('1', load)).resolves.toEqual({ name: 'db' });
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
    expect(redis.set).not.toHaveBeenCalled();
    expect(store.get('thing:1')?.toString()).toBe('{"nope":1}');
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ msg: 'Undecodable cache entry; reading the database' }),
    );
  });

  it('invalidate writes a marker per id with the invalidation TTL, in one pipeline', async () => {
    const { redis, store, pipeline } = stubRedis({ 'thing:1': Buffer.from('{"name":"old"}') });

    await cacheOver(redis).invalidate('1', '2');
    expect(redis.pipeline).toHaveBeenCalledTimes(1);
    expect(pipeline.set.mock.calls).toEqual([
      ['thing:1', MARKER, 'PX', 5_000],
      ['thing:2', MARKER, 'PX', 5_000],
    ]);
    expect(pipeline.exec).toHaveBeenCalledTimes(1);
    expect(store.get('thing:1')).toEqual(MARKER);
    expect(store.get('thing:2')).toEqual(MARKER);
  });

  it('invalidate with no ids does nothing', async () => {
    const { redis } = stubRedis();
    await cacheOver(redis).invalidate();
    expect(redis.pipeline).not.toHaveBeenCalled();
  });

  it('invalidate logs, never throws, when the pipeline fails or one command errors', async () => {
    const { redis, pipeline } = stubRedis();
    const cache = cacheOver(redis);

    pipeline.exec.mockRejectedValueOnce(new Error('ECONNRESET'));
    await expect(cache.invalidate('1')).resolves.toBeUndefined();
    pipeline.exec.mockResolvedValueOnce([[new Error('OOM'), null]]);
    await expect(cache.invalidate('2')).resolves.toBeUndefined();

    expect(error).toHaveBeenCalledTimes(2);
    expect(error).toHaveBeenNthCalledWith(
      1,
      expect.objectContaining({ msg: 'Cache invalidation failed', ids: ['1'] }),
    );
    expect(error).toHaveBeenNthCalledWith(
      2,
      expect.objectContaining({
        msg: 'Cache invalidation failed',
        ids: ['2'],
        err: expect.objectContaining({ message: 'OOM' }),
      }),
    );
  });

  it('put replaces whatever is cached, marker included, with a plain SET and its TTL', async () => {
    const { redis, store } = stubRedis({ 'thing:1': MARKER });
    const cache = cacheOver(redis);
    const load = jest.fn(() => Promise.resolve({ name: 'db' }));

    await cache.put('1', { name: 'authoritative' }, 90_000);
    expect(redis.set).toHaveBeenCalledWith('thing:1', '{"name":"authoritative"}', 'PX', 90_000);
    await expect(cache.get('1', load)).resolves.toEqual({ name: 'authoritative' });
    expect(load).not.toHaveBeenCalled();
    expect(store.get('thing:1')?.toString()).toBe('{"name":"authoritative"}');
  });

  it('put logs, never throws, when Redis refuses the write', async () => {
    const { redis } = stubRedis();
    redis.set.mockRejectedValueOnce(new Error('ECONNREFUSED'));
    await expect(cacheOver(redis).put('1', { name: 'x' })).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ msg: 'Cache write failed', id: '1' }),
    );
  });
});
