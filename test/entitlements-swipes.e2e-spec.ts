import { Types } from 'mongoose';
import { SwipeClock } from '../src/modules/membership/swipe-counter';
import { givePlan } from './support/plans';
import { letters, signUpAndLogIn, type UserSession } from './support/session';
import { createTestApp, type TestApp, uniqueNamespace } from './support/test-app';

// DIGEST_TIME_ZONE is Asia/Kolkata (UTC+5:30) unless the test environment says otherwise.
const zoneOf = (t: TestApp) => t.config.digest.timeZone;

describe('Daily swipe limit (FREE 10, PRO/ELITE unlimited), counted in Redis', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await createTestApp();
  });

  afterAll(async () => {
    await api.close();
  });

  async function targets(t: TestApp, n: number): Promise<string[]> {
    const docs = Array.from({ length: n }, (_, i) => {
      const _id = new Types.ObjectId();
      return {
        _id,
        firstName: `Target${letters(i)}`,
        emailId: `${_id.toHexString()}@example.com`,
        password: 'x',
        createdAt: new Date(),
        updatedAt: new Date(),
      };
    });
    await t.connection.collection('users').insertMany(docs);
    return docs.map((d) => d._id.toHexString());
  }

  const swipe = (who: UserSession, to: string, i = 0) =>
    who.post(`/request/send/${i % 2 ? 'ignored' : 'interested'}/${to}`);

  it('FREE: 10 swipes a day, the 11th answers 429 with the rate-limit body, limit and remaining', async () => {
    const me = await signUpAndLogIn(api);
    const ids = await targets(api, 12);
    for (let i = 0; i < 10; i++) await swipe(me, ids[i], i).expect(200);
    const res = await swipe(me, ids[10]).expect(429);
    expect(res.body).toMatchObject({
      success: false,
      code: 'REQUEST_DAILY_SWIPE_LIMIT',
      limit: 10,
      remaining: 0,
    });
    expect(res.body.message).toMatch(/10 swipes for today.*Upgrade.*try again in \d+ minute\(s\)/);
    expect(Number.isInteger(res.body.retryAfter)).toBe(true);
    expect(res.body.retryAfter).toBeGreaterThanOrEqual(1);
    expect(res.body.retryAfter).toBeLessThanOrEqual(24 * 60);
    expect(res.body.retryAfter).toBe(Math.ceil(res.body.retryAfterSeconds / 60));
    expect(res.headers['retry-after']).toBe(String(res.body.retryAfterSeconds));
    // retryAt is the next midnight in DIGEST_TIME_ZONE
    const retryAt = new Date(res.body.retryAt);
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: zoneOf(api),
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(retryAt.getTime() + 999));
    expect(local).toBe('00:00');
    // the refused swipe wrote nothing
    expect(
      await api.connection
        .collection('connectionmodels')
        .countDocuments({ fromUserId: new Types.ObjectId(me.id) }),
    ).toBe(10);
  });

  it('a refused or failed send does not count', async () => {
    const me = await signUpAndLogIn(api);
    const ids = await targets(api, 11);
    await swipe(me, ids[0]).expect(200);
    await swipe(me, ids[0]).expect(400); // request already exists: refused by the rules
    await me.post(`/request/send/interested/${me.id}`).expect(400); // to yourself
    await me.post(`/request/send/interested/${new Types.ObjectId().toHexString()}`).expect(404);
    for (let i = 1; i < 10; i++) await swipe(me, ids[i], i).expect(200);
    await swipe(me, ids[10]).expect(429);
  });

  it('concurrent sends cannot exceed the limit', async () => {
    const me = await signUpAndLogIn(api);
    const ids = await targets(api, 16);
    const results = await Promise.all(ids.map((id, i) => swipe(me, id, i)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(6);
  });

  it.each(['PRO', 'ELITE'] as const)('%s: unlimited swipes', async (plan) => {
    const me = await signUpAndLogIn(api);
    await givePlan(api, me.id, plan);
    const ids = await targets(api, 13);
    for (let i = 0; i < 13; i++) await swipe(me, ids[i], i).expect(200);
  });

  it('an expired paid plan reads as FREE: limited again', async () => {
    const me = await signUpAndLogIn(api);
    await givePlan(api, me.id, 'PRO');
    const clock = api.app.get(SwipeClock);
    const later = jest.spyOn(clock, 'now').mockReturnValue(new Date(Date.now() + 400 * 86_400_000));
    try {
      const ids = await targets(api, 11);
      for (let i = 0; i < 10; i++) await swipe(me, ids[i], i).expect(200);
      await swipe(me, ids[10]).expect(429);
    } finally {
      later.mockRestore();
    }
  });

  it('the day boundary in DIGEST_TIME_ZONE resets the count (injected clock)', async () => {
    const me = await signUpAndLogIn(api);
    const clock = api.app.get(SwipeClock);
    // 23:59:30 on 2026-03-10 in Asia/Kolkata = 18:29:30Z
    expect(zoneOf(api)).toBe('Asia/Kolkata');
    const spy = jest.spyOn(clock, 'now').mockReturnValue(new Date('2026-03-10T18:29:30.000Z'));
    try {
      const ids = await targets(api, 12);
      for (let i = 0; i < 10; i++) await swipe(me, ids[i], i).expect(200);
      const res = await swipe(me, ids[10]).expect(429);
      expect(res.body).toMatchObject({
        retryAfter: 1,
        retryAfterSeconds: 30,
        retryAt: '2026-03-10T18:30:00.000Z',
        limit: 10,
        remaining: 0,
      });
      spy.mockReturnValue(new Date('2026-03-10T18:30:00.000Z')); // local midnight: a new day
      await swipe(me, ids[10]).expect(200);
      // the old day's key expires after the day (kept at most an hour past its end)
      const keys = await redisKeys(api, `swipes:${me.id}:*`);
      expect(keys.sort()).toEqual([`swipes:${me.id}:2026-03-10`, `swipes:${me.id}:2026-03-11`]);
    } finally {
      spy.mockRestore();
    }
  });

  it('two API instances share one count', async () => {
    const namespace = uniqueNamespace('swipes2');
    const a = await createTestApp({ namespace, keepData: true });
    const b = await createTestApp({ namespace });
    try {
      const onA = await signUpAndLogIn(a);
      const onB = Object.assign(Object.create(Object.getPrototypeOf(onA) as object), onA, {
        server: b.server,
      }) as UserSession;
      const ids = await targets(a, 11);
      for (let i = 0; i < 10; i++) await swipe(i % 2 ? onB : onA, ids[i], i).expect(200);
      const res = await swipe(onB, ids[10]).expect(429);
      expect(res.body).toMatchObject({ limit: 10, remaining: 0 });
      await swipe(onA, ids[10]).expect(429);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

async function redisKeys(t: TestApp, pattern: string): Promise<string[]> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(t.config.redis.url);
  try {
    const prefix = `${t.config.redis.keyPrefix}:`;
    const keys = await redis.keys(`${prefix}${pattern}`);
    return keys.map((k) => k.slice(prefix.length));
  } finally {
    redis.disconnect();
  }
}
