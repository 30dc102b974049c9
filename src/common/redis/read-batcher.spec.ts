import type Redis from 'ioredis';
import { MAX_KEYS_PER_READ, RedisReadBatcher, readBatcherOf } from './read-batcher';

/** MGET over a map, answering in a later turn of the event loop as a socket would. */
function stubRedis(entries: Record<string, string> = {}) {
  const store = new Map(Object.entries(entries).map(([key, value]) => [key, Buffer.from(value)]));
  const mgetBuffer = jest.fn(
    (keys: string[]) =>
      new Promise<(Buffer | null)[]>((resolve) =>
        setImmediate(() => resolve(keys.map((key) => store.get(key) ?? null))),
      ),
  );
  return { redis: { mgetBuffer } as unknown as Redis, mgetBuffer };
}

const text = (value: Buffer | null) => value?.toString() ?? null;

describe('RedisReadBatcher', () => {
  it('sends the reads of one turn as one MGET and gives each caller its own values', async () => {
    const { redis, mgetBuffer } = stubRedis({ a: '1', b: '2', c: '3' });
    const reads = new RedisReadBatcher(redis);

    const [a, many, missing] = await Promise.all([
      reads.get('a'),
      reads.getMany(['b', 'nope', 'c']),
      reads.get('nope'),
    ]);

    expect(mgetBuffer.mock.calls).toEqual([[['a', 'b', 'nope', 'c', 'nope']]]);
    expect(text(a)).toBe('1');
    expect(many.map(text)).toEqual(['2', null, '3']);
    expect(missing).toBeNull();
  });

  it('lets commands waiting in an auto-pipeline leave before its MGET, which skips the pipeline', async () => {
    const { redis, mgetBuffer } = stubRedis({ a: '1' });
    const pipelined = redis as unknown as { autoPipelineQueueSize: number };
    pipelined.autoPipelineQueueSize = 1; // a write issued this turn, not yet sent
    const reads = new RedisReadBatcher(redis);

    const read = reads.get('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(mgetBuffer).not.toHaveBeenCalled(); // the pipeline's immediate goes first
    pipelined.autoPipelineQueueSize = 0;

    expect(text(await read)).toBe('1');
    expect(mgetBuffer.mock.calls).toEqual([[['a']]]);
  });

  it('joins reads of later ticks of the same turn (requests read from several sockets)', async () => {
    const { redis, mgetBuffer } = stubRedis({ a: '1', b: '2' });
    const reads = new RedisReadBatcher(redis);

    const first = reads.get('a');
    await new Promise((resolve) => process.nextTick(resolve));
    const second = reads.get('b');

    expect((await Promise.all([first, second])).map(text)).toEqual(['1', '2']);
    expect(mgetBuffer.mock.calls).toEqual([[['a', 'b']]]);
  });

  it('sends reads started after the MGET has left in the next one', async () => {
    const { redis, mgetBuffer } = stubRedis({ a: '1', b: '2' });
    const reads = new RedisReadBatcher(redis);

    const first = reads.get('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(mgetBuffer.mock.calls).toEqual([[['a']]]);
    const second = reads.get('b');

    expect((await Promise.all([first, second])).map(text)).toEqual(['1', '2']);
    expect(mgetBuffer.mock.calls).toEqual([[['a']], [['b']]]);
  });

  it('splits a turn with more than MAX_KEYS_PER_READ keys into several MGETs', async () => {
    const { redis, mgetBuffer } = stubRedis({ k0: 'first', [`k${MAX_KEYS_PER_READ}`]: 'last' });
    const reads = new RedisReadBatcher(redis);
    const keys = Array.from({ length: MAX_KEYS_PER_READ + 1 }, (_, i) => `k${i}`);

    const values = await Promise.all(keys.map((key) => reads.get(key)));

    expect(mgetBuffer.mock.calls.map(([sent]) => sent.length)).toEqual([MAX_KEYS_PER_READ, 1]);
    expect(text(values[0])).toBe('first');
    expect(text(values[MAX_KEYS_PER_READ])).toBe('last');
  });

  it('fails every read of the batch when the MGET fails, synchronously or not', async () => {
    const { redis, mgetBuffer } = stubRedis();
    const reads = new RedisReadBatcher(redis);
    mgetBuffer.mockRejectedValueOnce(new Error('ECONNRESET'));
    await expect(Promise.all([reads.get('a'), reads.getMany(['b'])])).rejects.toThrow('ECONNRESET');

    mgetBuffer.mockImplementationOnce(() => {
      throw new Error('Connection is closed.');
    });
    const settled = await Promise.allSettled([reads.get('a'), reads.getMany(['b', 'c'])]);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });

  it('answers an empty getMany without a command', async () => {
    const { redis, mgetBuffer } = stubRedis();
    await expect(new RedisReadBatcher(redis).getMany([])).resolves.toEqual([]);
    expect(mgetBuffer).not.toHaveBeenCalled();
  });

  it('is one batcher per client, so every reader of the client shares the MGET', () => {
    const one = stubRedis().redis;
    expect(readBatcherOf(one)).toBe(readBatcherOf(one));
    expect(readBatcherOf(one)).not.toBe(readBatcherOf(stubRedis().redis));
  });
});
