import type Redis from 'ioredis';
import type { Document } from 'mongodb';
import { Types } from 'mongoose';
import { REDIS_CLIENT } from '../src/common/redis/redis.module';
import { feedFilterKey } from '../src/modules/feed/feed-paging';
import { FEED_POSITION_TTL_MS, FeedPositionStore } from '../src/modules/feed/feed-position.store';
import { letters, signUpAndLogIn, UserSession } from './support/session';
import { createTestApp, TestApp } from './support/test-app';
import { givePlan } from './support/plans';
import { failRedisReads } from './support/failing-redis-reads';

/** Viewers here swipe more than FREE's 10 a day and filter by skills: both need a paid plan. */
async function paidViewer(t: TestApp): Promise<UserSession> {
  const session = await signUpAndLogIn(t);
  await givePlan(t, session.id, 'ELITE');
  return session;
}

const LIMIT = 5;

/**
 * The SPA pages the feed by number (`page=1` twice on mount, then its own increments) with
 * `limit=5`, swipes the cards it holds, and stops at the first page with fewer than 5 items
 * (contract §9.2, §9.6 M6). Twelve candidates, every other one with skill Go. Viewers never
 * finish onboarding, so they are not candidates in one another's feed and every test sees
 * exactly the twelve.
 */
describe('Feed paging by page number while swiping (the SPA)', () => {
  let t: TestApp;
  let redis: Redis;
  /** Candidate ids in feed (`_id`) order. */
  let c: string[];
  let go: string[];

  const page = async (viewer: UserSession, query: string) => {
    const res = await viewer.get(`/user/feed?${query}`).expect(200);
    return (res.body.data.items as { _id: string }[]).map((u) => u._id);
  };
  const swipe = async (viewer: UserSession, ids: string[], status = 'ignored') => {
    for (const id of ids) await viewer.post(`/request/send/${status}/${id}`).expect(200);
  };

  beforeAll(async () => {
    t = await createTestApp();
    redis = t.app.get<Redis>(REDIS_CLIENT);
    const now = new Date();
    const users = Array.from({ length: 12 }, (_, i) => ({
      _id: new Types.ObjectId(),
      firstName: `Cand${letters(i)}`,
      lastName: 'Date',
      emailId: `cand${i}@paging.test`,
      password: 'x',
      about: '',
      skills: i % 2 === 0 ? ['Go'] : ['Rust'],
      skillsKey: i % 2 === 0 ? ['go'] : ['rust'],
      membershipType: 'FREE',
      onboardingComplete: true,
      emailVerified: true,
      createdAt: now,
      updatedAt: now,
    }));
    await t.connection.collection('users').insertMany(users);
    c = users.map((u) => u._id.toHexString()).sort();
    go = users
      .filter((u) => u.skills[0] === 'Go')
      .map((u) => u._id.toHexString())
      .sort();
  });

  afterEach(() => {
    t.connection.set('debug', false); // the query watchers below
  });

  afterAll(async () => {
    await t.close();
  });

  it('page=1 twice, swipes, page=3, page=2: nobody is skipped and the short page comes only at the end', async () => {
    const viewer = await paidViewer(t);
    const served: string[][] = [];
    const fetch = async (n: number) => {
      const ids = await page(viewer, `page=${n}&limit=${LIMIT}`);
      served.push(ids);
      return ids;
    };

    expect(await fetch(1)).toEqual(c.slice(0, 5)); // on mount…
    expect(await fetch(1)).toEqual(c.slice(0, 5)); // …twice
    await swipe(viewer, c.slice(0, 1), 'interested');
    await swipe(viewer, c.slice(1, 3));
    // Offsets would answer page 3 from the 9 left with skip 10: nothing, "No more profiles".
    expect(await fetch(3)).toEqual(c.slice(5, 10));
    await swipe(viewer, c.slice(3, 10));
    expect(await fetch(2)).toEqual(c.slice(10, 12)); // fewer than 5: the SPA stops here…
    expect(await fetch(4)).toEqual([]);

    // …and it is right to: every candidate was served, in order, and only the last page was short.
    const unique = [...new Set(served.flat())];
    expect(unique).toEqual(c);
    const short = served.map((ids, i) => (ids.length < LIMIT ? i : -1)).filter((i) => i >= 0);
    expect(short[0]).toBe(3);
    await swipe(viewer, c.slice(10, 12));
    expect(await page(viewer, `page=1&limit=${LIMIT}`)).toEqual([]);
  });

  it('swiping every card before each next page (1, 1, 3, 4, …) walks all twelve', async () => {
    const viewer = await paidViewer(t);
    const swiped: string[] = [];
    let next = 1;
    let mounts = 2;
    for (let guard = 0; guard < 10; guard++) {
      const ids = await page(viewer, `page=${next}&limit=${LIMIT}`);
      if (mounts > 1) {
        mounts--;
        continue; // the mount's second identical request
      }
      await swipe(viewer, ids);
      swiped.push(...ids);
      if (ids.length < LIMIT) break; // the SPA's stop condition
      next = next === 1 ? 3 : next + 1;
    }
    expect(swiped).toEqual(c);
  });

  it('page=1 starts over: from the first unswiped profile, and page=2 continues from there', async () => {
    const viewer = await paidViewer(t);
    await page(viewer, 'page=1&limit=5');
    await page(viewer, 'page=2&limit=5');
    expect(await page(viewer, 'page=3&limit=5')).toEqual(c.slice(10, 12));

    expect(await page(viewer, 'page=1&limit=5')).toEqual(c.slice(0, 5));
    expect(await page(viewer, 'page=2&limit=5')).toEqual(c.slice(5, 10));

    await swipe(viewer, c.slice(0, 2));
    expect(await page(viewer, 'page=1&limit=5')).toEqual(c.slice(2, 7));
    expect(await page(viewer, 'page=2&limit=5')).toEqual(c.slice(7, 12));
  });

  it('after= still pages without skipping while swiping, takes precedence, and leaves the position alone', async () => {
    const viewer = await paidViewer(t);
    const seen: string[] = [];
    let cursor = '';
    for (let guard = 0; guard < 10; guard++) {
      // page=3 is ignored when a cursor is given.
      const res = await viewer
        .get(`/user/feed?limit=4${cursor ? `&page=3&after=${cursor}` : ''}`)
        .expect(200);
      const ids = (res.body.data.items as { _id: string }[]).map((u) => u._id);
      seen.push(...ids);
      await swipe(viewer, ids.slice(0, 2)); // swipes half of what it got
      cursor = res.body.data.pagination.nextCursor as string;
      if (!cursor) break;
    }
    expect(seen).toEqual(c);

    const other = await paidViewer(t);
    expect(await page(other, `page=2&limit=5&after=${c[9]}`)).toEqual(c.slice(10, 12));
    expect(await page(other, 'page=2&limit=5')).toEqual(c.slice(5, 10)); // an offset: no position
    expect(await page(other, 'page=1&limit=5')).toEqual(c.slice(0, 5));
    expect(await page(other, `page=2&limit=5&after=${c[9]}`)).toEqual(c.slice(10, 12));
    expect(await page(other, 'page=2&limit=5')).toEqual(c.slice(5, 10));
  });

  it('the skills filter keeps its own position (any spelling of the same skills shares it)', async () => {
    const viewer = await paidViewer(t);
    expect(await page(viewer, 'page=1&limit=5')).toEqual(c.slice(0, 5));
    expect(await page(viewer, 'page=1&limit=5&skills=Go')).toEqual(go.slice(0, 5));
    expect(await page(viewer, 'page=2&limit=5&skills=go')).toEqual(go.slice(5));
    expect(await page(viewer, 'page=2&limit=5')).toEqual(c.slice(5, 10));
    const lastPagesFrom = Date.now(); // each filter's last page is served after this
    expect(await page(viewer, 'page=2&limit=5&skills=GO,go')).toEqual([]);
    expect(await page(viewer, 'page=1&limit=5&skills=Rust')).toHaveLength(5);
    expect(await page(viewer, 'page=3&limit=5')).toEqual(c.slice(10, 12));

    // One key per viewer and filter, living an hour after the last page.
    const lastPagesDone = Date.now();
    for (const filter of ['all', feedFilterKey(['go']), feedFilterKey(['rust'])]) {
      const expiresAt = await redis.pexpiretime(`feed-pos:${viewer.id}:${filter}`);
      expect(expiresAt).toBeGreaterThanOrEqual(lastPagesFrom + FEED_POSITION_TTL_MS);
      expect(expiresAt).toBeLessThanOrEqual(lastPagesDone + FEED_POSITION_TTL_MS);
    }
  });

  it("two viewers' positions are independent", async () => {
    const v1 = await paidViewer(t);
    const v2 = await paidViewer(t);
    expect(await page(v1, 'page=1&limit=5')).toEqual(c.slice(0, 5));
    expect(await page(v1, 'page=2&limit=5')).toEqual(c.slice(5, 10));
    expect(await page(v2, 'page=1&limit=5')).toEqual(c.slice(0, 5));
    expect(await page(v1, 'page=2&limit=5')).toEqual(c.slice(10, 12));
    expect(await page(v2, 'page=2&limit=5')).toEqual(c.slice(5, 10));
  });

  it('without a stored position, page>1 is an offset (and becomes the position); Redis errors do not fail it', async () => {
    const viewer = await paidViewer(t);
    expect(await page(viewer, 'page=2&limit=4')).toEqual(c.slice(4, 8));
    expect(await page(viewer, 'page=2&limit=4')).toEqual(c.slice(8, 12));

    // Every read fails (they leave in one MGET): the stored position is unknown, so an offset.
    const reads = failRedisReads(redis, new Error('Redis down'));
    try {
      expect(await page(viewer, 'page=3&limit=4')).toEqual(c.slice(8, 12));
      expect(reads.keysRead()).toEqual(
        expect.arrayContaining([expect.stringMatching(/^feed-pos:/)]),
      );
    } finally {
      reads.restore();
    }
  });

  it('a page>1 that raced a page=1 cannot move the position past what the restart served', async () => {
    const store = t.app.get(FeedPositionStore);
    const viewer = new Types.ObjectId();
    const asOf = new Date('2026-11-28T12:00:00.000Z');
    const [p1, p2, p3] = [c[2], c[5], c[9]].map((id) => ({
      tier: 2 as const,
      afterId: new Types.ObjectId(id),
      asOf,
    }));
    await store.advance(viewer, 'all', null, p2); // none yet: set
    expect(await store.get(viewer, 'all')).toEqual(p2);
    await store.advance(viewer, 'all', null, p3); // stale "none": ignored
    expect(await store.get(viewer, 'all')).toEqual(p2);
    await store.restart(viewer, 'all', p1); // page=1 wins unconditionally
    await store.advance(viewer, 'all', p2, p3); // read p2 before the restart: ignored
    expect(await store.get(viewer, 'all')).toEqual(p1);
    await store.advance(viewer, 'all', p1, p3);
    expect(await store.get(viewer, 'all')).toEqual(p3);
  });

  it('later pages come from the deck in Redis without a feed query; a withdrawn request brings its profile back', async () => {
    const viewer = await signUpAndLogIn(t); // FREE: no grant, so the tier list stays as it is
    const sent = await viewer.post(`/request/send/interested/${c[6]}`).expect(200);
    // A grant elsewhere leaves the tier list unusable for a moment; a deck needs it in Redis.
    const deadline = Date.now() + 20_000;
    for (;;) {
      await page(viewer, 'page=1&limit=1');
      if ((await redis.get('feed-tiers:all'))?.startsWith('{')) break;
      if (Date.now() > deadline) throw new Error('the tier list never came back to Redis');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await page(viewer, 'page=1&limit=5')).toEqual(c.slice(0, 5));
    const deck = JSON.parse((await redis.get(`feed-deck:${viewer.id}:all`))!.replace(/^\d+:/, ''));
    expect(deck.e).toHaveLength(11 * 25); // the whole walk: the candidates but the one requested

    const feedFinds: Document[] = [];
    t.connection.set('debug', (collection: string, method: string, filter: Document) => {
      if (collection === 'users' && method === 'find' && 'emailVerified' in filter)
        feedFinds.push(filter);
    });
    expect(await page(viewer, 'page=2&limit=5')).toEqual([c[5], ...c.slice(7, 11)]);
    expect(feedFinds).toHaveLength(0);

    await viewer.delete(`/request/withdraw/${sent.body.data._id as string}`).expect(200);
    expect(await redis.get(`feed-deck-gen:${viewer.id}`)).toBe('1');
    expect(await page(viewer, 'page=1&limit=5')).toEqual(c.slice(0, 5));
    expect(await page(viewer, 'page=2&limit=5')).toEqual(c.slice(5, 10)); // c[6] is back
  });

  it('a continuing page sends only the exclusions after its position to the database', async () => {
    const viewer = await paidViewer(t);
    expect(viewer.id > c[11]).toBe(true); // newer than every candidate, so always "ahead"
    await page(viewer, 'page=1&limit=5');
    await swipe(viewer, [...c.slice(0, 4), c[11]]); // four behind the position, one ahead

    const finds: Document[] = [];
    t.connection.set('debug', (collection: string, method: string, filter: Document) => {
      // The last tier's pages (everyone; the two priority tiers are empty here).
      const nor = filter.$nor as unknown[] | undefined;
      if (
        collection === 'users' &&
        method === 'find' &&
        'emailVerified' in filter &&
        nor?.length === 2
      )
        finds.push(filter);
    });
    expect(await page(viewer, 'page=2&limit=5')).toEqual(c.slice(5, 10));
    expect(await page(viewer, `limit=5&after=${c[9]}`)).toEqual([c[10]]);
    expect(await page(viewer, 'page=1&limit=5')).toEqual([c[4], ...c.slice(5, 9)]);
    const ids = (filter: Document) => {
      const id = filter._id as { $nin: Types.ObjectId[]; $gt?: Types.ObjectId };
      return { after: id.$gt?.toHexString(), nin: id.$nin.map((x) => x.toHexString()).sort() };
    };
    expect(finds.map(ids)).toEqual([
      { after: c[4], nin: [c[11], viewer.id] },
      { after: c[9], nin: [c[11], viewer.id] },
      { after: undefined, nin: [...c.slice(0, 4), c[11], viewer.id].sort() },
    ]);
  });
});
