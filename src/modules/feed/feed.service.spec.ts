import type { Request } from 'express';
import { Types } from 'mongoose';
import { AppError } from '../../common/errors/app-error';
import type { ConnectionsRepository } from '../connections/connections.repository';
import { PackedIds } from '../connections/packed-ids';
import type { EntitlementsService } from '../membership/entitlements.service';
import type { TierMembers } from '../users/feed-tiers';
import type { FeedFilter, UsersRepository } from '../users/users.repository';
import type { FeedQueryDto } from './dto/feed-query.dto';
import type { FeedCountCache, FeedCountLoads } from './feed-count.cache';
import { decodeFeedDeck, encodeFeedDeck, type FeedDeck } from './feed-deck';
import type { FeedDeckStore } from './feed-deck.store';
import {
  decodeFeedPosition,
  encodeFeedPosition,
  feedFilterKey,
  type FeedPosition,
} from './feed-paging';
import type { FeedPositionStore } from './feed-position.store';
import { FeedService } from './feed.service';

const id = (n: number) => new Types.ObjectId(n.toString(16).padStart(24, '0'));
const hex = (ids: { _id: Types.ObjectId }[] | Types.ObjectId[]) =>
  ids.map((x) => ('_id' in x ? x._id : x).toHexString());

/**
 * FeedService over in-memory collaborators: `feedPage` walks candidates in `_id` order like the
 * real query, the position store keeps the real compare-and-set rule.
 */
function feedWith(candidateCount: number) {
  const viewer = id(1);
  const candidates = Array.from({ length: candidateCount }, (_, i) => id(100 + i));
  const swiped: Types.ObjectId[] = [];
  const pages: { filter: FeedFilter; skip: number; limit: number }[] = [];
  const counted: FeedFilter[] = [];
  const excludedCounts: Types.ObjectId[][] = [];
  const positions = new Map<string, string>();
  /** Each candidate's tier as a function of the walk's asOf (default: everyone, tier 2). */
  const tiers = new Map<string, (asOf: Date) => number>();
  const tierOf = (c: Types.ObjectId, asOf: Date) => tiers.get(c.toHexString())?.(asOf) ?? 2;
  const matching = (filter: FeedFilter) => {
    const excluded = new Set(filter.excludeIds.map((x) => x.toHexString()));
    const after = filter.afterId?.toHexString() ?? '';
    return candidates.filter(
      (c) =>
        !excluded.has(c.toHexString()) &&
        c.toHexString() > after &&
        (!filter.tier || tierOf(c, filter.tier.asOf) === filter.tier.tier),
    );
  };

  /** What the tier-member list says (`null`: unknown, every tier is queried). */
  const known: { tierMembers: TierMembers | null } = { tierMembers: null };
  const users = {
    feedTierMembers: () => Promise.resolve(known.tierMembers),
    feedPage: (filter: FeedFilter, skip: number, limit: number) => {
      pages.push({ filter, skip, limit });
      return Promise.resolve(
        matching(filter)
          .slice(skip, skip + limit)
          .map((_id) => ({ _id, firstName: 'x' })),
      );
    },
    countFeed: (filter: FeedFilter) => {
      counted.push(filter);
      return Promise.resolve(matching(filter).length);
    },
    countFeedCandidatesAmong: (ids: Types.ObjectId[]) => {
      excludedCounts.push(ids);
      const all = new Set(candidates.map((c) => c.toHexString()));
      return Promise.resolve(ids.filter((x) => all.has(x.toHexString())).length);
    },
  };
  /** Users as the cache has them: every candidate, verified and onboarded unless a test says not. */
  const cachedUsers = new Map(
    candidates.map((_id) => [
      _id.toHexString(),
      { _id, firstName: 'x', emailVerified: true, onboardingComplete: true, skillsKey: ['go'] },
    ]),
  );
  const userReads: string[][] = [];
  /** Users read ahead with a page's first reads (`usersByHexIds`), by call. */
  const usersAheadReads: string[][] = [];
  Object.assign(users, {
    findManyByHexIds: (ids: string[]) => {
      userReads.push(ids);
      return Promise.resolve(ids.flatMap((x) => cachedUsers.get(x) ?? []));
    },
    usersByHexIds: (ids: string[]) => {
      usersAheadReads.push(ids);
      return Promise.resolve(
        new Map(ids.flatMap((x) => (cachedUsers.has(x) ? [[x, cachedUsers.get(x)!]] : []))),
      );
    },
  });
  const keyOf = (v: Types.ObjectId, f: string) => `${v.toHexString()}:${f}`;
  const connections = {
    feedExclusions: jest.fn(() => Promise.resolve(PackedIds.of(swiped))),
  };
  /** Decks kept encoded, as Redis would; off unless a test turns them on. */
  const deckState = { enabled: false, generation: 0, stored: new Map<string, string>() };
  const decks = {
    get: (v: Types.ObjectId, f: string) => {
      if (!deckState.enabled) return Promise.resolve(null);
      const raw = deckState.stored.get(keyOf(v, f));
      const [generation, encoded] = raw ? [raw.split('|')[0], raw.split('|')[1]] : ['', null];
      const current = String(deckState.generation);
      return Promise.resolve({
        deck: generation === current ? decodeFeedDeck(encoded) : null,
        generation: current,
      });
    },
    lastRead: (v: Types.ObjectId, f: string) => {
      const raw = deckState.stored.get(keyOf(v, f));
      return deckState.enabled && raw ? decodeFeedDeck(raw.split('|')[1]) : null;
    },
    put: jest.fn((v: Types.ObjectId, f: string, generation: string, deck: FeedDeck) => {
      deckState.stored.set(keyOf(v, f), `${generation}|${encodeFeedDeck(deck)}`);
      return Promise.resolve();
    }),
  };
  const counts = {
    read: () => Promise.resolve([null, null]),
    total: async (_v: unknown, _s: unknown, load: FeedCountLoads) =>
      (await load.candidates()) - (await load.excluded()),
  };
  const store = {
    get: jest.fn((v: Types.ObjectId, f: string) =>
      Promise.resolve(decodeFeedPosition(positions.get(keyOf(v, f)))),
    ),
    restart: jest.fn((v: Types.ObjectId, f: string, to: FeedPosition) => {
      positions.set(keyOf(v, f), encodeFeedPosition(to));
      return Promise.resolve();
    }),
    advance: jest.fn(
      (v: Types.ObjectId, f: string, from: FeedPosition | null, to: FeedPosition) => {
        const key = keyOf(v, f);
        if ((positions.get(key) ?? '') === (from ? encodeFeedPosition(from) : ''))
          positions.set(key, encodeFeedPosition(to));
        return Promise.resolve();
      },
    ),
  };
  // A paid plan unless a test says otherwise (the plan gate has its own tests below and e2e).
  const entitlements = {
    forUser: jest.fn(() => Promise.resolve({ entitlements: { skillFilter: true } })),
  };
  const service = new FeedService(
    users as unknown as UsersRepository,
    connections as unknown as ConnectionsRepository,
    counts as unknown as FeedCountCache,
    store as unknown as FeedPositionStore,
    entitlements as unknown as EntitlementsService,
    decks as unknown as FeedDeckStore,
  );
  let clock = new Date('2026-11-28T12:00:00.000Z');
  const feed = (query: Partial<FeedQueryDto>) =>
    service.feed(viewer, { page: 1, limit: 5, ...query }, clock);
  const get = async (query: Partial<FeedQueryDto>) => (await feed(query)).items.map((u) => u._id);
  const tick = (ms: number) => (clock = new Date(clock.getTime() + ms));
  return {
    viewer,
    candidates,
    swiped,
    pages,
    counted,
    excludedCounts,
    store,
    get,
    feed,
    entitlements,
    tiers,
    known,
    tick,
    deckState,
    decks,
    cachedUsers,
    userReads,
    usersAheadReads,
    service,
    connections,
    clock: () => clock,
  };
}

describe('FeedService paging', () => {
  it('the SPA sequence (page 1 twice, swipes, page 3, page 2) serves everyone once, in order', async () => {
    const f = feedWith(12);
    const all = hex(f.candidates);
    expect(await f.get({ page: 1 })).toEqual(all.slice(0, 5));
    expect(await f.get({ page: 1 })).toEqual(all.slice(0, 5));
    f.swiped.push(...f.candidates.slice(0, 3));
    expect(await f.get({ page: 3 })).toEqual(all.slice(5, 10));
    f.swiped.push(...f.candidates.slice(3, 10));
    expect(await f.get({ page: 2 })).toEqual(all.slice(10, 12));
    expect(await f.get({ page: 4 })).toEqual([]);
    expect(await f.get({ page: 1 })).toEqual(all.slice(10, 12)); // restart: the unswiped
  });

  it('totalUsers: every candidate less the excluded ones that are candidates', async () => {
    const f = feedWith(12);
    f.swiped.push(id(100), id(101), id(5000)); // id 5000 is no candidate, nor is the viewer
    const { pagination } = await f.feed({ page: 1 });
    expect(pagination.totalUsers).toBe(10);
    expect(pagination.totalPages).toBe(2);
    expect(f.counted.filter((filter) => !filter.tier).map((c) => c.excludeIds)).toEqual([[]]);
  });

  it('a continuing page sends only the exclusions after its position; the count gets them all', async () => {
    const f = feedWith(12);
    await f.get({ page: 1 });
    f.swiped.push(id(100), id(101), id(110)); // two behind the position, one ahead
    await f.get({ page: 2 });
    const page = f.pages.at(-1)!;
    expect(page.filter.afterId).toEqual(id(104));
    expect(page.filter.tier!.tier).toBe(2);
    expect(page.skip).toBe(0);
    expect(hex(page.filter.excludeIds)).toEqual(hex([id(110)])); // not the viewer (id 1) either
    expect(hex(f.excludedCounts.at(-1)!)).toEqual(hex([f.viewer, id(100), id(101), id(110)]));
  });

  it('a viewer with more exclusions than a query carries: the rest are dropped here, and the walk reads on', async () => {
    const f = feedWith(1010);
    f.known.tierMembers = { since: new Date(0), complete: true, members: [] }; // tier 2 only
    f.swiped.push(...f.candidates.slice(0, 1005)); // all but the last five
    expect(await f.get({ page: 1, limit: 4 })).toEqual(hex(f.candidates.slice(1005, 1009)));
    const reads = f.pages.map((p) => [p.filter.excludeIds.length, p.filter.afterId?.toHexString()]);
    // the viewer and the 999 nearest are sent; the 4 read are unsent exclusions; then the last 2
    expect(reads).toEqual([
      [1000, undefined],
      [2, f.candidates[1002].toHexString()],
    ]);
  });

  it('after= is a stateless cursor: it neither reads nor moves the position', async () => {
    const f = feedWith(12);
    await f.get({ page: 1 });
    f.store.get.mockClear();
    expect(
      await f.get({ page: 3, after: id(101).toHexString() /* the older bare-id cursor */ }),
    ).toEqual(hex(f.candidates.slice(2, 7)));
    expect(f.store.get).not.toHaveBeenCalled();
    expect(f.store.advance).not.toHaveBeenCalled();
    expect(await f.get({ page: 2 })).toEqual(hex(f.candidates.slice(5, 10)));
  });

  it('without a stored position, page>1 is an offset and then becomes the position', async () => {
    const f = feedWith(12);
    expect(await f.get({ page: 2, limit: 4 })).toEqual(hex(f.candidates.slice(4, 8)));
    expect(f.pages.at(-1)!.skip).toBe(4);
    expect(await f.get({ page: 2, limit: 4 })).toEqual(hex(f.candidates.slice(8, 12)));
  });

  it('each skills filter has its own position', async () => {
    const f = feedWith(12);
    await f.get({ page: 1 });
    expect(await f.get({ page: 1, skills: ['Go'] })).toEqual(hex(f.candidates.slice(0, 5)));
    expect(await f.get({ page: 2, skills: ['go'] })).toEqual(hex(f.candidates.slice(5, 10)));
    expect(await f.get({ page: 2 })).toEqual(hex(f.candidates.slice(5, 10)));
    const keys = f.store.restart.mock.calls.map(([, filterKey]) => filterKey);
    expect(new Set(keys).size).toBe(2);
  });
});

describe('FeedService tiers: boosted, then ELITE, then everyone, each in _id order', () => {
  it('serves the tiers in order across page boundaries, by page and by cursor alike', async () => {
    const f = feedWith(12);
    const [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11] = f.candidates;
    f.tiers.set(c7.toHexString(), () => 0).set(c3.toHexString(), () => 0);
    f.tiers.set(c9.toHexString(), () => 1).set(c1.toHexString(), () => 1);
    const order = hex([c3, c7, c1, c9, c0, c2, c4, c5, c6, c8, c10, c11]);
    expect(await f.get({ page: 1 })).toEqual(order.slice(0, 5));
    expect(await f.get({ page: 2 })).toEqual(order.slice(5, 10));
    expect(await f.get({ page: 3 })).toEqual(order.slice(10));
    const byCursor: string[] = [];
    let cursor: string | null | undefined;
    do {
      const res = await f.feed({ limit: 3, ...(cursor ? { after: cursor } : {}) });
      byCursor.push(...res.items.map((u) => u._id));
      cursor = res.pagination.nextCursor;
    } while (cursor);
    expect(byCursor).toEqual(order);
  });

  it('an offset (no stored position) skips whole tiers by their count', async () => {
    const f = feedWith(12);
    const [c0, , , c3, , , , c7] = f.candidates;
    f.tiers.set(c7.toHexString(), () => 0).set(c3.toHexString(), () => 1);
    const rest = f.candidates.filter((c) => c !== c3 && c !== c7);
    expect(await f.get({ page: 2, limit: 4 })).toEqual(hex(rest.slice(2, 6)));
    expect(f.pages.at(-1)!.skip).toBe(2); // 4 − the boosted one − the ELITE one
    expect(f.pages.at(-1)!.filter.tier!.tier).toBe(2);
    expect(hex(rest.slice(0, 1))).toEqual(hex([c0]));
  });

  it('tiers stay as of the walk start: a boost ending mid-walk serves no one twice', async () => {
    const f = feedWith(10);
    const [, , , , , , , , c8] = f.candidates;
    const walkStart = new Date('2026-11-28T12:00:00.000Z');
    const boostEnds = walkStart.getTime() + 60_000;
    // c8 is boosted until a minute after the walk starts, then is back in the last tier.
    f.tiers.set(c8.toHexString(), (asOf) => (asOf.getTime() < boostEnds ? 0 : 2));
    const first = await f.get({ page: 1 });
    expect(first[0]).toBe(c8.toHexString());
    f.tick(120_000);
    const second = await f.get({ page: 2 });
    const third = await f.get({ page: 3 });
    const served = [...first, ...second, ...third];
    expect(new Set(served).size).toBe(served.length);
    expect(served).toHaveLength(10);
    // A new walk (page 1) sees the boost has ended.
    expect((await f.get({ page: 1 }))[0]).toBe(f.candidates[0].toHexString());
  });
});

describe('FeedService tiers nobody is in', () => {
  const since = new Date('2026-11-27T12:00:00.000Z');

  it('with no boosted or ELITE member, a page is one query (the last tier) and an offset counts nothing', async () => {
    const f = feedWith(12);
    f.known.tierMembers = { since, complete: true, members: [] };
    expect(await f.get({ page: 1, limit: 4 })).toEqual(hex(f.candidates.slice(0, 4)));
    expect(f.pages.map((p) => p.filter.tier!.tier)).toEqual([2]);
    f.store.get.mockResolvedValueOnce(null);
    expect(await f.get({ page: 3, limit: 4 })).toEqual(hex(f.candidates.slice(8, 12)));
    expect(f.counted.filter((filter) => filter.tier)).toHaveLength(0);
    expect(f.pages.at(-1)!.skip).toBe(8);
  });

  it('a tier with a member at the walk start is queried; the others are not', async () => {
    const f = feedWith(6);
    const [, , c2] = f.candidates;
    f.tiers.set(c2.toHexString(), () => 1);
    f.known.tierMembers = {
      since,
      complete: true,
      members: [{ feedPriorityUntil: new Date('2026-12-28T12:00:00.000Z') }],
    };
    expect((await f.get({ page: 1, limit: 2 }))[0]).toBe(c2.toHexString());
    expect(f.pages.map((p) => p.filter.tier!.tier)).toEqual([1, 2]);
  });
});

describe('FeedService skill filter (a PRO/ELITE entitlement)', () => {
  it('a plan without skillFilter naming a skill → 403 with the upgrade message, nothing read', async () => {
    const f = feedWith(3);
    f.entitlements.forUser.mockResolvedValue({ entitlements: { skillFilter: false } });
    const error = await f.get({ skills: ['Go'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(403);
    expect((error as AppError).message).toMatch(/PRO and ELITE.*Upgrade/);
    expect(f.pages).toHaveLength(0);
  });

  it('without a filter (or an empty one) the plan is not consulted', async () => {
    const f = feedWith(3);
    f.entitlements.forUser.mockResolvedValue({ entitlements: { skillFilter: false } });
    expect(await f.get({})).toHaveLength(3);
    expect(await f.get({ skills: [] })).toHaveLength(3);
    expect(f.entitlements.forUser).not.toHaveBeenCalled();
  });
});

describe('FeedService decks: a database read serves the next pages from Redis', () => {
  const since = new Date('2026-11-27T12:00:00.000Z');
  const withDecks = (candidateCount: number) => {
    const f = feedWith(candidateCount);
    f.known.tierMembers = { since, complete: true, members: [] };
    f.deckState.enabled = true;
    return f;
  };

  it('the SPA sequence: one read for five pages, swipes skipped, everyone served once in order', async () => {
    const f = withDecks(120);
    const served: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const items = await f.get({ page, limit: 10 });
      served.push(...items);
      f.swiped.push(...items.map((x) => new Types.ObjectId(x))); // swipes every card shown
    }
    expect(f.pages).toHaveLength(1);
    expect(f.pages[0].limit).toBe(50);
    served.push(...(await f.get({ page: 6, limit: 10 })));
    expect(f.pages).toHaveLength(2);
    expect(f.pages[1].filter.afterId).toEqual(f.candidates[49]);
    expect(served).toEqual(hex(f.candidates.slice(0, 60)));
  });

  it('someone swiped from elsewhere (another tab) is not served from the deck', async () => {
    const f = withDecks(60);
    await f.get({ page: 1, limit: 5 });
    f.swiped.push(f.candidates[5], f.candidates[7]);
    expect(await f.get({ page: 2, limit: 5 })).toEqual(
      hex([f.candidates[6], ...f.candidates.slice(8, 12)]),
    );
    expect(f.pages).toHaveLength(1);
  });

  it('page=1 within 30 s continues the same walk; later, or after a boost or grant, it reads anew', async () => {
    const f = withDecks(60);
    const first = await f.get({ page: 1 });
    f.tick(20_000);
    expect(await f.get({ page: 1 })).toEqual(first);
    expect(f.pages).toHaveLength(1);
    f.tick(20_000);
    expect(await f.get({ page: 1 })).toEqual(first);
    expect(f.pages).toHaveLength(2);
    f.known.tierMembers = { since: new Date(since.getTime() + 1), complete: true, members: [] };
    await f.get({ page: 1 });
    expect(f.pages).toHaveLength(3);
  });

  it('concurrent page=1 requests with no deck to reuse share one walk: the first reads, the others wait for its deck', async () => {
    const f = withDecks(60);
    const pages = await Promise.all([1, 2, 3, 4, 5].map(() => f.get({ page: 1 })));
    expect(f.pages).toHaveLength(1);
    for (const page of pages) expect(page).toEqual(hex(f.candidates.slice(0, 5)));
    // The walk is over: the next page=1 past the reuse window reads again.
    f.tick(31_000);
    await f.get({ page: 1 });
    expect(f.pages).toHaveLength(2);
  });

  it('pages that began just before the walk they wait for still use its deck', async () => {
    const f = withDecks(60);
    const later = new Date(f.clock().getTime() + 5);
    const leader = f.service.feed(f.viewer, { page: 1, limit: 5 }, later);
    const earlier = [1, 2].map(() => f.get({ page: 1 }));
    await Promise.all([leader, ...earlier]);
    expect(f.pages).toHaveLength(1);
  });

  it('a page=1 that read a newer deck generation than the walk in flight does not wait for its deck', async () => {
    const f = withDecks(60);
    const first = f.get({ page: 1 });
    f.deckState.generation += 1; // a retirement between the two pages' reads
    const second = f.get({ page: 1 });
    await Promise.all([first, second]);
    expect(f.pages).toHaveLength(2);
  });

  it('after someone leaves the exclusions (the generation moves on) the deck is not used', async () => {
    const f = withDecks(60);
    f.swiped.push(f.candidates[7]);
    await f.get({ page: 1, limit: 5 });
    f.swiped.pop(); // a request withdrawn: candidate 7 belongs in the walk again
    f.deckState.generation += 1;
    expect(await f.get({ page: 2, limit: 5 })).toEqual(hex(f.candidates.slice(5, 10)));
    expect(f.pages).toHaveLength(2);
  });

  it('a profile no longer a candidate (unverified, deleted, skills changed) sends the page to the database', async () => {
    const f = withDecks(60);
    await f.get({ page: 1, limit: 5, skills: ['Go'] });
    f.cachedUsers.get(f.candidates[6].toHexString())!.skillsKey = ['rust'];
    await f.get({ page: 2, limit: 5, skills: ['Go'] });
    expect(f.pages).toHaveLength(2);
    f.cachedUsers.delete(f.candidates[12].toHexString());
    await f.get({ page: 3, limit: 5, skills: ['Go'] });
    expect(f.pages).toHaveLength(3);
  });

  it('a deck page moves the position once; one that falls back to the database moves it on to what it served', async () => {
    const f = withDecks(60);
    await f.get({ page: 1, limit: 5 });
    await f.get({ page: 2, limit: 5 });
    expect(f.store.advance).toHaveBeenCalledTimes(1);
    // Candidate 12 was deleted after the deck was built: page 3 is read from the database, after
    // the position had already moved to the deck's tenth entry (candidate 14).
    f.cachedUsers.delete(f.candidates[12].toHexString());
    f.candidates.splice(12, 1);
    expect(await f.get({ page: 3, limit: 5 })).toEqual(hex(f.candidates.slice(10, 15)));
    expect(await f.get({ page: 4, limit: 5 })).toEqual(hex(f.candidates.slice(15, 20)));
  });

  it('a deck is never read for an offset, nor kept when the read fits in the page', async () => {
    const f = withDecks(8);
    await f.get({ page: 1, limit: 10 });
    expect(f.decks.put).not.toHaveBeenCalled();
    f.store.get.mockResolvedValueOnce(null);
    expect(await f.get({ page: 2, limit: 4 })).toEqual(hex(f.candidates.slice(4, 8)));
    expect(f.pages.at(-1)!.skip).toBe(4);
    expect(f.userReads).toHaveLength(0);
  });
});

describe('FeedService reads started by the access guard (prefetch)', () => {
  const requestWith = (query: Record<string, unknown>) => ({ query }) as unknown as Request;

  it('a prefetch made for the page asked is used: the page reads nothing more before serving', async () => {
    const f = feedWith(12);
    const prefetched = {
      userId: f.viewer.toHexString(),
      value: f.service.prefetch(f.viewer.toHexString(), requestWith({ page: '1', limit: '5' })),
    };
    const page = await f.service.feed(f.viewer, { page: 1, limit: 5 }, f.clock(), prefetched);
    expect(page.items.map((u) => u._id)).toEqual(hex(f.candidates.slice(0, 5)));
    expect(f.connections.feedExclusions).toHaveBeenCalledTimes(1);
    expect(f.store.get).not.toHaveBeenCalled();
  });

  it('a prefetch for another filter, kind of page or user is ignored and the page reads its own', async () => {
    const f = feedWith(12);
    await f.get({ page: 1 });
    const cases = [
      { userId: f.viewer.toHexString(), query: { page: '2', skills: 'Go' } }, // another filter
      { userId: f.viewer.toHexString(), query: { page: '1' } }, // no position read
      { userId: id(2).toHexString(), query: { page: '2' } }, // someone else
    ];
    for (const { userId, query } of cases) {
      f.store.get.mockClear();
      const prefetched = { userId, value: f.service.prefetch(userId, requestWith(query)) };
      const page = await f.service.feed(f.viewer, { page: 2, limit: 5 }, f.clock(), prefetched);
      expect(page.items.map((u) => u._id)).toEqual(hex(f.candidates.slice(5, 10)));
      expect(f.store.get).toHaveBeenCalledWith(f.viewer, feedFilterKey(undefined));
      // Each page continues from the start again: the served position is not kept between cases.
      await f.get({ page: 1 });
    }
  });

  /** A feed with decks on, and a page served with the prefetch its raw query makes. */
  const deckFeed = (candidateCount: number) => {
    const f = feedWith(candidateCount);
    f.known.tierMembers = {
      since: new Date('2026-11-27T12:00:00.000Z'),
      complete: true,
      members: [],
    };
    f.deckState.enabled = true;
    const viewerId = f.viewer.toHexString();
    const prefetchedPage = (query: Record<string, string>, dto: Partial<FeedQueryDto>) => {
      f.userReads.length = 0;
      const prefetched = {
        userId: viewerId,
        value: f.service.prefetch(viewerId, requestWith(query)),
      };
      return f.service.feed(f.viewer, { page: 1, limit: 5, ...dto }, f.clock(), prefetched);
    };
    return { ...f, prefetchedPage };
  };

  it("with the viewer's deck read before, page 1 and a cursor page read their users with the first reads", async () => {
    const f = deckFeed(60);
    const first = await f.get({ page: 1, limit: 5 }); // builds the deck: nothing to guess from yet
    expect(f.usersAheadReads).toHaveLength(0);

    const again = await f.prefetchedPage({ page: '1', limit: '5' }, {});
    expect(again.items.map((u) => u._id)).toEqual(first);
    expect(f.usersAheadReads.at(-1)).toEqual(hex(f.candidates.slice(0, 7))); // the page and 2 spare
    expect(f.userReads).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(f.store.restart).toHaveBeenLastCalledWith(
      f.viewer,
      'all',
      expect.objectContaining({ afterId: f.candidates[4] }),
    );

    const after = again.pagination.nextCursor!;
    const next = await f.prefetchedPage({ after, limit: '5' }, { after });
    expect(next.items.map((u) => u._id)).toEqual(hex(f.candidates.slice(5, 10)));
    expect(f.usersAheadReads.at(-1)).toEqual(hex(f.candidates.slice(5, 12)));
    expect(f.userReads).toHaveLength(0);
  });

  it('a guess that misses a profile the page serves is not used: the page reads its users itself', async () => {
    const f = deckFeed(60);
    await f.get({ page: 1, limit: 5 });
    f.swiped.push(...f.candidates.slice(0, 4)); // the page now reaches past the guess
    const page = await f.prefetchedPage({ page: '1', limit: '5' }, {});
    expect(page.items.map((u) => u._id)).toEqual(hex(f.candidates.slice(4, 9)));
    expect(f.userReads).toEqual([hex(f.candidates.slice(4, 9))]);
  });

  it('a prefetch whose reads fail does not reject unobserved when the handler never uses it', async () => {
    const f = feedWith(3);
    f.connections.feedExclusions.mockImplementationOnce(() => Promise.reject(new Error('down')));
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    f.service.prefetch(f.viewer.toHexString(), requestWith({}));
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });
});
