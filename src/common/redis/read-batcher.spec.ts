import type { Command, Redis } from 'ioredis';
import { MAX_KEYS_PER_READ, RedisReadBatcher, readBatcherOf } from './read-batcher';

/**
 * MGET and SET over a map, answering in a later turn of the event loop as a socket would; `sent`
 * logs what reached the socket, corks included.
 */
function stubRedis(entries: Record<string, string> = {}, keyPrefix?: string) {
  const store = new Map(Object.entries(entries).map(([key, value]) => [key, Buffer.from(value)]));
  const sent: string[] = [];
  const mgetBuffer = jest.fn((keys: string[]) => {
    sent.push(`MGET ${keys.join(' ')}`);
    return new Promise<(Buffer | null)[]>((resolve) =>
      setImmediate(() => resolve(keys.map((key) => store.get(key) ?? null))),
    );
  });
  const sendCommand = jest.fn((command: Command) => {
    const args = command.args.map(String);
    sent.push(`${command.name.toUpperCase()} ${args.join(' ')}`);
    setImmediate(() => {
      if (args[0].endsWith('readonly')) return command.reject(new Error('READONLY'));
      store.set(args[0], Buffer.from(args[1]));
      command.resolve('OK');
    });
    return command.promise;
  });
  const stream = {
    cork: () => sent.push('cork'),
    uncork: () => sent.push('uncork'),
  };
  const redis = { mgetBuffer, sendCommand, status: 'ready', stream, options: { keyPrefix } };
  return { redis: redis as unknown as Redis, mgetBuffer, sendCommand, sent, store };
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

  it("writes the turn's SETs ahead of its MGET, in one corked socket write", async () => {
    const { redis, sent } = stubRedis({ a: '1' });
    const batcher = new RedisReadBatcher(redis);

    const read = batcher.get('a');
    const written = batcher.set('pos', 'p1', 60_000);
    const readOfWritten = batcher.get('pos');

    await expect(written).resolves.toBe('OK');
    expect(text(await read)).toBe('1');
    expect(text(await readOfWritten)).toBe('p1'); // a read may see a write of the same turn
    expect(sent).toEqual(['cork', 'SET pos p1 PX 60000', 'MGET a pos', 'uncork']);
  });

  it('sends a turn with only SETs without an MGET, keys under the client prefix', async () => {
    const { redis, sent, mgetBuffer, store } = stubRedis({}, 'ns:');
    const batcher = new RedisReadBatcher(redis);

    await Promise.all([batcher.set('x', '1', 5), batcher.set('y', '2', 5)]);

    expect(sent).toEqual(['cork', 'SET ns:x 1 PX 5', 'SET ns:y 2 PX 5', 'uncork']);
    expect(mgetBuffer).not.toHaveBeenCalled();
    expect(text(store.get('ns:y') ?? null)).toBe('2');
  });

  it("fails only the SET Redis refused, not the turn's reads", async () => {
    const { redis } = stubRedis({ a: '1' });
    const batcher = new RedisReadBatcher(redis);

    const [refused, read] = await Promise.allSettled([
      batcher.set('readonly', 'v', 5),
      batcher.get('a'),
    ]);

    expect(refused).toEqual({ status: 'rejected', reason: new Error('READONLY') });
    expect(read.status === 'fulfilled' && text(read.value)).toBe('1');
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
