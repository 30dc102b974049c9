import Redis from 'ioredis';
import { Types } from 'mongoose';
import request from 'supertest';
import type { RedisReadCache } from '../src/common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../src/common/redis/redis.module';
import { SessionCache, SESSION_CACHE_TTL_MS } from '../src/modules/auth/session.cache';
import { UserCache, USER_CACHE_TTL_MS } from '../src/modules/users/user.cache';
import type { UserRecord } from '../src/modules/users/user.schema';
import { logIn, signUp, signUpAndLogIn, STRONG_PASSWORD, UserSession } from './support/session';
import { createTestApp, TestApp, uniqueNamespace } from './support/test-app';
import { failRedisReads } from './support/failing-redis-reads';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The session id (`sid` claim) inside an access JWT. */
function sidOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as {
    sid: string;
  };
  return payload.sid;
}

/** A promise with its resolver outside, to order steps between concurrent operations. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Authentication reads the session and the user from Redis (fill-if-absent, invalidated after
 * every write, revocations written as authoritative entries). Two instances share one namespace,
 * like two API replicas: a write through one must be seen by the other on the very next request.
 * Writes go through A: passport keeps one strategy per name per process, so the access guard on
 * either server is B's (the last app created), and A's writes are what B must see.
 */
describe('Auth cache: sessions and users from Redis, coherent across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    const namespace = uniqueNamespace('authcache');
    a = await createTestApp({ namespace });
    b = await createTestApp({ namespace, keepData: true });
    redis = new Redis(a.config.redis.url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    redis?.disconnect();
    await b?.close();
    await a?.close();
  });

  const userKey = (id: string) => `${a.config.redis.keyPrefix}:user:${id}`;
  const sessionKey = (sid: string) => `${a.config.redis.keyPrefix}:session:${sid}`;

  /**
   * What `cache` holds for `id`, read through the cache itself (whatever the encoding), without
   * side effects: the loader answers null, which is never cached. Undefined: a read would go to
   * the database (no entry, or an invalidation marker).
   */
  async function peek<T>(cache: RedisReadCache<T>, id: string): Promise<T | undefined> {
    let loaded = false;
    const value = await cache.get(id, () => {
      loaded = true;
      return Promise.resolve(null);
    });
    return loaded ? undefined : (value as T);
  }

  /** Polls until `cache` serves `id` (fills are fire-and-forget, so they land a moment later). */
  async function cached<T>(cache: RedisReadCache<T>, id: string): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await peek(cache, id);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${id} was never cached`);
      await sleep(20);
    }
  }
  const users = () => a.app.get(UserCache);
  const sessions = () => a.app.get(SessionCache);

  /** GET with the session's current access cookie on any instance. */
  const getOn = (t: TestApp, session: UserSession, path: string) =>
    request(t.server).get(path).set('Cookie', session.cookieHeader());
  const getWithAccess = (t: TestApp, accessToken: string, path: string) =>
    request(t.server).get(path).set('Cookie', `accessToken=${accessToken}`);

  /**
   * The queries `run` issues, as `collection.method` (mongoose debug hook). Both connections are
   * watched: with two apps in one process, passport keeps one strategy per name, so the access
   * guard of either server runs the last-created app's SessionsService (B's), on B's connection.
   */
  async function queriesDuring(run: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    for (const t of [a, b])
      t.connection.set('debug', (collection: string, method: string) => {
        seen.push(`${collection}.${method}`);
      });
    try {
      await run();
    } finally {
      for (const t of [a, b]) t.connection.set('debug', false);
    }
    return seen;
  }
  /** Reads of users and sessions (the hourly session cleanup only deletes, never reads). */
  const onAuthCollections = (queries: string[]) =>
    queries.filter((q) => /^(users|sessions)\.find/.test(q));

  /** The user and their session cached by `t` after one authenticated request. */
  async function cachedOn(t: TestApp, session: UserSession) {
    await getOn(t, session, '/profile').expect(200);
    await cached(users(), session.id);
    expect((await cached(sessions(), sidOf(session.accessToken))).revoked).toBe(false);
  }

  it('after one authenticated request, later ones read neither users nor sessions', async () => {
    const session = await signUpAndLogIn(a);
    const sid = sidOf(session.accessToken);
    // A rich profile, written before anything is cached, so the cached copy must carry it all.
    await a.connection.collection('users').updateOne(
      { _id: new Types.ObjectId(session.id) },
      {
        $set: {
          age: 31,
          gender: 'female',
          about: 'Caches things',
          skills: ['Go', 'React'],
          skillsKey: ['go', 'react'],
          githubUsername: 'cachey',
          photoUrl: 'https://example.com/me.png',
          onboardingComplete: true,
        },
      },
    );
    expect(await redis.exists(userKey(session.id), sessionKey(sid))).toBe(0);

    const coldAt = Date.now(); // the entries are written after this, for their full TTL
    let cold!: request.Response;
    const coldQueries = await queriesDuring(async () => {
      cold = await session.get('/profile').expect(200);
    });
    // The hook sees what a cold request reads: the session and the user.
    expect(coldQueries).toEqual(expect.arrayContaining(['sessions.findOne', 'users.findOne']));

    const user = await cached(users(), session.id);
    expect(user._id.toHexString()).toBe(session.id);
    expect(user).not.toHaveProperty('password');
    expect(user).not.toHaveProperty('emailVerifyToken');
    expect((await redis.getBuffer(userKey(session.id)))!.toString('latin1')).not.toMatch(
      /password|emailVerifyToken|\$2[aby]\$/,
    );
    const sessionDoc = await a.connection
      .collection('sessions')
      .findOne({ _id: new Types.ObjectId(sid) });
    expect(await cached(sessions(), sid)).toEqual({
      userId: new Types.ObjectId(session.id),
      expiresAt: sessionDoc!.expiresAt,
      revoked: false,
    });
    expect(await redis.pexpiretime(userKey(session.id))).toBeGreaterThanOrEqual(
      coldAt + USER_CACHE_TTL_MS,
    );
    expect(await redis.pexpiretime(sessionKey(sid))).toBeGreaterThanOrEqual(
      coldAt + SESSION_CACHE_TTL_MS,
    );

    for (const t of [a, b]) {
      let warm!: request.Response;
      const warmQueries = await queriesDuring(async () => {
        warm = await getOn(t, session, '/profile').expect(200);
        await getOn(t, session, '/skills').expect(200);
      });
      expect({ instance: t === a ? 'A' : 'B', queries: onAuthCollections(warmQueries) }).toEqual({
        instance: t === a ? 'A' : 'B',
        queries: [],
      });
      // Served from Redis, the self view is exactly what the database gave.
      expect(warm.body).toEqual(cold.body);
    }
    expect(cold.body.data).toMatchObject({
      age: 31,
      skills: ['Go', 'React'],
      about: 'Caches things',
    });

    // Control: a route that must read users still shows up in the hook.
    const other = await signUpAndLogIn(a);
    const publicQueries = await queriesDuring(() =>
      getOn(b, session, `/profile/${other.id}`).expect(200),
    );
    expect(onAuthCollections(publicQueries)).toEqual([expect.stringMatching(/^users\.find/)]);
  });

  it('a profile edit through A is seen by B on its next request', async () => {
    const session = await signUpAndLogIn(a);
    await cachedOn(b, session);
    const before = await getOn(b, session, '/profile').expect(200);
    expect(before.body.data.about).not.toBe('Edited through A');

    await session.patch('/profile/edit', { about: 'Edited through A', age: 40 }).expect(200);

    const onB = await getOn(b, session, '/profile').expect(200);
    expect(onB.body.data).toMatchObject({ about: 'Edited through A', age: 40 });
    const onA = await session.get('/profile').expect(200);
    expect(onA.body.data).toMatchObject({ about: 'Edited through A', age: 40 });
    expect(await peek(users(), session.id)).toBeUndefined(); // invalidated, not refilled
  });

  it('completing onboarding through A is seen by B on its next request', async () => {
    const session = await signUpAndLogIn(a);
    await cachedOn(b, session);
    expect((await getOn(b, session, '/profile').expect(200)).body.data.onboardingComplete).toBe(
      false,
    );

    await session.post('/profile/onboarding/complete').expect(200);

    expect((await getOn(b, session, '/profile').expect(200)).body.data.onboardingComplete).toBe(
      true,
    );
  });

  it('logout through A ends the access token on B (which cached it as active) at once', async () => {
    const session = await signUpAndLogIn(a);
    const sid = sidOf(session.accessToken);
    await cachedOn(b, session);
    const activeUntil = await redis.pexpiretime(sessionKey(sid));

    await request(a.server)
      .post('/auth/logout')
      .set('Cookie', session.cookieHeader('both'))
      .expect(200);

    for (const t of [b, a]) {
      const refused = await getOn(t, session, '/profile').expect(401);
      expect(refused.body).toEqual({
        success: false,
        message: 'Invalid or expired access token',
        code: 'AUTH_ACCESS_TOKEN_INVALID',
      });
    }
    expect((await peek(sessions(), sid))?.revoked).toBe(true);
    // A revocation outlives any active entry a reader might still hold.
    expect(await redis.pexpiretime(sessionKey(sid))).toBeGreaterThanOrEqual(activeUntil);
  });

  it('a password change through A refuses the other sessions on A and B at once', async () => {
    const { body } = await signUp(a);
    const caller = await logIn(a, body.emailId);
    const other = await logIn(a, body.emailId);
    const oldCallerAccess = caller.accessToken;
    for (const t of [a, b]) {
      await getOn(t, caller, '/profile').expect(200);
      await getOn(t, other, '/profile').expect(200);
    }
    expect((await cached(sessions(), sidOf(other.accessToken))).revoked).toBe(false);
    expect((await cached(sessions(), sidOf(caller.accessToken))).revoked).toBe(false);

    const res = await caller
      .patch('/profile/password', { password: STRONG_PASSWORD, newPassword: 'N3w!passWord' })
      .expect(200);
    caller.adopt(res);
    expect(caller.accessToken).not.toBe(oldCallerAccess);

    for (const t of [b, a]) {
      const refused = await getOn(t, other, '/profile').expect(401);
      expect(refused.body.message).toBe('Invalid or expired access token');
      await getWithAccess(t, oldCallerAccess, '/profile').expect(401);
      const fresh = await getOn(t, caller, '/profile').expect(200);
      expect(fresh.body.data.emailId).toBe(body.emailId.toLowerCase());
    }
    for (const revoked of [other.accessToken, oldCallerAccess]) {
      expect((await peek(sessions(), sidOf(revoked)))?.revoked).toBe(true);
    }
  });

  it('a replayed refresh token revokes the session, and B refuses it at once', async () => {
    const session = await signUpAndLogIn(a);
    const stolen = session.refreshToken;
    const sid = sidOf(session.accessToken);
    expect((await session.refresh()).status).toBe(200);
    await cachedOn(b, session);
    // Past the grace window, the old refresh token is a replay.
    await a.connection
      .collection('sessions')
      .updateOne(
        { _id: new Types.ObjectId(sid) },
        { $set: { rotatedAt: new Date(Date.now() - 31_000) } },
      );

    const replay = await request(a.server)
      .post('/auth/refresh')
      .set('Cookie', `refreshToken=${stolen}`)
      .expect(401);
    expect(replay.body.message).toBe('Invalid refresh token');

    const refused = await getOn(b, session, '/profile').expect(401);
    expect(refused.body.message).toBe('Invalid or expired access token');
    expect((await peek(sessions(), sid))?.revoked).toBe(true);
  });

  it('when Redis reads fail, requests are served from the database', async () => {
    const session = await signUpAndLogIn(a);
    const failing = [a, b].map((t) => failRedisReads(t.app.get<Redis>(REDIS_CLIENT)));
    try {
      let served!: request.Response;
      const queries = await queriesDuring(async () => {
        for (const t of [a, b]) served = await getOn(t, session, '/profile').expect(200);
      });
      expect(served.body.data._id).toBe(session.id);
      expect(onAuthCollections(queries)).toEqual(
        expect.arrayContaining(['sessions.findOne', 'users.findOne']),
      );
      // Both requests tried Redis first. Passport keeps strategies in one registry per process,
      // so in this test both apps authenticate through the strategy registered last (b's).
      const keysRead = failing.flatMap((reads) => reads.keysRead());
      expect(keysRead.filter((key) => key.startsWith('session:'))).toHaveLength(2);
      expect(keysRead.filter((key) => key.startsWith('user:'))).toHaveLength(2);
    } finally {
      for (const reads of failing) reads.restore();
    }
  });

  it('a reader that loaded a user before an invalidation cannot cache the stale copy', async () => {
    const cache = a.app.get(UserCache);
    const id = new Types.ObjectId();
    const user = (firstName: string) => ({ _id: id, firstName }) as UserRecord;
    const loading = signal();
    const invalidated = signal();

    // The reader misses, starts loading, and its load returns only after the write invalidated.
    const reader = cache.get(id.toHexString(), async () => {
      loading.resolve();
      await invalidated.promise;
      return user('Stale');
    });
    await loading.promise;
    await cache.invalidate(id.toHexString());
    invalidated.resolve();
    expect((await reader)?.firstName).toBe('Stale');

    // The reader's fill was sent before these reads (same connection, in order) and did not land.
    for (const instance of [a, b]) {
      const fresh = jest.fn(() => Promise.resolve(user('Fresh')));
      const value = await instance.app.get(UserCache).get(id.toHexString(), fresh);
      expect(value?.firstName).toBe('Fresh');
      expect(fresh).toHaveBeenCalledTimes(1);
    }
    expect(await peek(cache, id.toHexString())).toBeUndefined();
  });

  it('within the invalidation window every read goes to the loader, then filling resumes', async () => {
    const cache = a.app.get(UserCache);
    const id = new Types.ObjectId();
    const key = id.toHexString();
    const user = (firstName: string) => ({ _id: id, firstName }) as UserRecord;

    await cache.get(key, () => Promise.resolve(user('First')));
    expect((await cached(cache, key)).firstName).toBe('First');
    const unused = jest.fn(() => Promise.resolve(user('Unused')));
    expect((await cache.get(key, unused))?.firstName).toBe('First');
    expect(unused).not.toHaveBeenCalled();

    await cache.invalidate(key);
    const pttl = await redis.pttl(userKey(key));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(10_000);
    for (const name of ['Second', 'Third', 'Fourth']) {
      const load = jest.fn(() => Promise.resolve(user(name)));
      expect((await cache.get(key, load))?.firstName).toBe(name);
      expect(load).toHaveBeenCalledTimes(1);
    }

    // Once the marker is gone (expired), the next reader fills again.
    await redis.del(userKey(key));
    await cache.get(key, () => Promise.resolve(user('Fifth')));
    expect((await cached(cache, key)).firstName).toBe('Fifth');
  });

  it('a session loaded as active before its revocation stays revoked in the cache', async () => {
    const cache = a.app.get(SessionCache);
    const sid = new Types.ObjectId().toHexString();
    const active = { userId: new Types.ObjectId(), expiresAt: new Date(Date.now() + 60_000) };
    const loading = signal();
    const revoked = signal();

    const reader = b.app.get(SessionCache).get(sid, async () => {
      loading.resolve();
      await revoked.promise;
      return { ...active, revoked: false };
    });
    await loading.promise;
    await cache.put(sid, { ...active, revoked: true });
    revoked.resolve();
    expect((await reader)?.revoked).toBe(false);

    // B's fill was sent before B's next read (same connection, in order) and did not land.
    const load = jest.fn(() => Promise.resolve({ ...active, revoked: false }));
    for (const instance of [b, a]) {
      expect((await instance.app.get(SessionCache).get(sid, load))?.revoked).toBe(true);
    }
    expect(load).not.toHaveBeenCalled();
  });
});
