import { Types } from 'mongoose';
import { AppError } from '../../common/errors/app-error';
import type { ConnectionsRepository } from '../connections/connections.repository';
import type { EntitlementsService } from '../membership/entitlements.service';
import type { FeedFilter, UsersRepository } from '../users/users.repository';
import type { FeedQueryDto } from './dto/feed-query.dto';
import type { FeedCountCache } from './feed-count.cache';
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
  const positions = new Map<string, Types.ObjectId>();

  const users = {
    feedPage: (filter: FeedFilter, skip: number, limit: number) => {
      pages.push({ filter, skip, limit });
      const excluded = new Set(filter.excludeIds.map((x) => x.toHexString()));
      const after = filter.afterId?.toHexString() ?? '';
      return Promise.resolve(
        candidates
          .filter((c) => !excluded.has(c.toHexString()) && c.toHexString() > after)
          .slice(skip, skip + limit)
          .map((_id) => ({ _id, firstName: 'x' })),
      );
    },
    countFeed: (filter: FeedFilter) => {
      counted.push(filter);
      return Promise.resolve(candidateCount - swiped.length);
    },
  };
  const connections = { feedExclusions: () => Promise.resolve([...swiped]) };
  const counts = { count: (_v: unknown, _s: unknown, load: () => Promise<number>) => load() };
  const store = {
    get: jest.fn((v: Types.ObjectId, f: string) =>
      Promise.resolve(positions.get(`${v.toHexString()}:${f}`) ?? null),
    ),
    restart: jest.fn((v: Types.ObjectId, f: string, to: Types.ObjectId) => {
      positions.set(`${v.toHexString()}:${f}`, to);
      return Promise.resolve();
    }),
    advance: jest.fn(
      (v: Types.ObjectId, f: string, from: Types.ObjectId | null, to: Types.ObjectId) => {
        const key = `${v.toHexString()}:${f}`;
        if ((positions.get(key)?.toHexString() ?? null) === (from?.toHexString() ?? null))
          positions.set(key, to);
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
  );
  const get = async (query: Partial<FeedQueryDto>) =>
    (await service.feed(viewer, { page: 1, limit: 5, ...query })).items.map((u) => u._id);
  return { viewer, candidates, swiped, pages, counted, store, get, entitlements };
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

  it('a continuing page sends only the exclusions after its position; the count gets them all', async () => {
    const f = feedWith(12);
    await f.get({ page: 1 });
    f.swiped.push(id(100), id(101), id(110)); // two behind the position, one ahead
    await f.get({ page: 2 });
    const page = f.pages.at(-1)!;
    expect(page.filter.afterId).toEqual(id(104));
    expect(page.skip).toBe(0);
    expect(hex(page.filter.excludeIds)).toEqual(hex([id(110)])); // not the viewer (id 1) either
    expect(hex(f.counted.at(-1)!.excludeIds)).toEqual(hex([f.viewer, id(100), id(101), id(110)]));
  });

  it('after= is a stateless cursor: it neither reads nor moves the position', async () => {
    const f = feedWith(12);
    await f.get({ page: 1 });
    f.store.get.mockClear();
    expect(await f.get({ page: 3, after: id(101).toHexString() })).toEqual(
      hex(f.candidates.slice(2, 7)),
    );
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
