import Redis from 'ioredis';
import { Types } from 'mongoose';
import { loadConfig } from '../src/config/app-config';
import { PresenceStore } from '../src/modules/presence/presence.store';
import { deleteRedisNamespace, testEnvironment, uniqueNamespace } from './support/test-app';

/** The presence store's Lua against the real Redis, as several instances would call it. */
describe('PresenceStore (Redis): sweep, heartbeat and the per-user cap', () => {
  const config = loadConfig(
    testEnvironment(uniqueNamespace('presstore'), { PRESENCE_TTL_MS: '30000' }),
  );
  const redis = new Redis(config.redis.url, { keyPrefix: `${config.redis.keyPrefix}:` });
  const store = new PresenceStore(redis, config);
  const userId = () => new Types.ObjectId().toHexString();
  const past = () => Date.now() - 120_000; // expired long ago (TTL 30 s)

  afterAll(async () => {
    await deleteRedisNamespace(config);
    redis.disconnect();
  });

  it('two instances sweeping at once: each expired socket is claimed once, userOffline once per user', async () => {
    const gone = userId();
    const stays = userId();
    await store.connect(gone, 'dead-1', { now: past() });
    await store.connect(gone, 'dead-2', { now: past() });
    await store.connect(stays, 'dead-3', { now: past() });
    await store.connect(stays, 'live-1'); // reconnected elsewhere
    const [a, b] = await Promise.all([store.sweep(), store.sweep()]);
    expect(a.removed + b.removed).toBeGreaterThanOrEqual(1); // dead-3 went with live-1's connect
    expect([...a.wentOffline, ...b.wentOffline]).toEqual([gone]);
    expect(await store.onlineAmong([gone, stays])).toEqual([stays]);
    expect(await store.sweep()).toEqual({ removed: 0, wentOffline: [] });
    // A live socket's disconnect after the sweep still reports the user's last socket.
    expect(await store.remove(stays, 'live-1')).toBe(true);
  });

  it('a heartbeat re-adds a live socket a sweep removed (its instance stalled) and says the user is back', async () => {
    const user = userId();
    await store.connect(user, 'stalled', { now: past() });
    expect((await store.sweep()).wentOffline).toContain(user);
    const back = await store.heartbeat([{ userId: user, socketId: 'stalled' }]);
    expect(back).toEqual([{ userId: user, socketId: 'stalled' }]);
    expect(await store.onlineAmong([user])).toEqual([user]);
    expect(await store.heartbeat([{ userId: user, socketId: 'stalled' }])).toEqual([]);
    await store.forget([{ userId: user, socketId: 'stalled' }]);
    expect(await store.onlineAmong([user])).toEqual([]);
    expect(await store.sweep(Date.now() + 60_000)).toEqual({ removed: 0, wentOffline: [] });
  });

  it('over maxPerUser the oldest sockets by connection time are evicted, never the new one', async () => {
    const user = userId();
    const t0 = Date.now();
    for (const [i, id] of ['s1', 's2', 's3'].entries()) {
      const connected = await store.connect(user, id, { connectedAt: t0 + i, maxPerUser: 3 });
      expect(connected).toEqual({ cameOnline: i === 0, evicted: [] });
    }
    expect(await store.connect(user, 's4', { connectedAt: t0 + 3, maxPerUser: 3 })).toEqual({
      cameOnline: false,
      evicted: ['s1'],
    });
    // A smaller cap at once: the two oldest go; an expired socket is not counted.
    await store.connect(user, 'dead', { now: past(), connectedAt: t0 - 1 });
    expect(await store.connect(user, 's5', { connectedAt: t0 + 4, maxPerUser: 2 })).toEqual({
      cameOnline: false,
      evicted: ['s2', 's3'],
    });
    expect(await store.remove(user, 's4')).toBe(false);
    expect(await store.remove(user, 's5')).toBe(true);
  });
});
