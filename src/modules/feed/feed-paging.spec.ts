import { Types } from 'mongoose';
import {
  decodeFeedPosition,
  encodeFeedPosition,
  exclusionsAfter,
  FEED_CURSOR_PATTERN,
  feedFilterKey,
  feedStart,
  keepUnexcluded,
  nearestExclusions,
  nextPosition,
  walkStart,
  type FeedPosition,
  type FeedStart,
} from './feed-paging';

const id = (n: number) => new Types.ObjectId(n.toString(16).padStart(24, '0'));
const hex = (ids: Types.ObjectId[] | undefined) => ids?.map((x) => x.toHexString());
const now = new Date('2026-11-28T12:00:00.000Z');
const earlier = new Date('2026-11-28T11:40:00.000Z');
const at = (tier: 0 | 1 | 2, afterId: Types.ObjectId | null, asOf = earlier): FeedPosition => ({
  tier,
  afterId,
  asOf,
});

describe('feed positions: encoded for Redis and as the cursor', () => {
  it.each<[string, FeedPosition]>([
    ['mid-tier', at(1, id(7))],
    ['a tier start', at(2, null)],
    ['the walk start', walkStart(now)],
  ])('%s round-trips and matches the after= pattern', (_name, position) => {
    const encoded = encodeFeedPosition(position);
    expect(FEED_CURSOR_PATTERN.test(encoded)).toBe(true);
    expect(decodeFeedPosition(encoded, now)).toEqual(position);
    expect(decodeFeedPosition(encoded)).toEqual(position);
  });

  it('a bare user id (the older cursor) continues in the last tier as of now, only as a cursor', () => {
    const legacy = id(7).toHexString();
    expect(FEED_CURSOR_PATTERN.test(legacy)).toBe(true);
    expect(FEED_CURSOR_PATTERN.test(legacy.toUpperCase())).toBe(true);
    expect(decodeFeedPosition(legacy, now)).toEqual(at(2, id(7), now));
    // As a stored position (no `now`), an old bare id reads as none: the page takes the offset.
    expect(decodeFeedPosition(legacy)).toBeNull();
  });

  it.each([
    '',
    'zzz',
    '3.-.1',
    '1.xyz.1',
    `1.${id(1).toHexString()}`,
    `1.-.1.2`,
    '1.-.1234567890123456',
  ])('rejects %p', (raw) => {
    expect(decodeFeedPosition(raw, now)).toBeNull();
    if (raw !== '') expect(FEED_CURSOR_PATTERN.test(raw)).toBe(false);
  });
});

describe('feedStart: after= beats page=1 beats a stored position beats the offset', () => {
  const position = at(2, id(40));
  const cursor = at(1, id(7));
  it.each<
    [string, { page: number; limit: number; after?: string }, FeedPosition | null, FeedStart]
  >([
    [
      'cursor on page 1',
      { page: 1, limit: 5, after: encodeFeedPosition(cursor) },
      null,
      { kind: 'cursor', from: cursor },
    ],
    [
      'cursor beats a position',
      { page: 3, limit: 5, after: encodeFeedPosition(cursor) },
      position,
      { kind: 'cursor', from: cursor },
    ],
    [
      'page 1 restarts a walk as of now, even with a position',
      { page: 1, limit: 5 },
      position,
      { kind: 'restart', from: walkStart(now) },
    ],
    [
      'page 1 restarts without one',
      { page: 1, limit: 5 },
      null,
      { kind: 'restart', from: walkStart(now) },
    ],
    [
      'page 3 continues after the position, keeping its asOf',
      { page: 3, limit: 5 },
      position,
      { kind: 'continue', from: position },
    ],
    [
      'page 3 without a position is an offset into a new walk',
      { page: 3, limit: 5 },
      null,
      { kind: 'offset', from: walkStart(now), skip: 10 },
    ],
    [
      'page 2 of 7 without a position',
      { page: 2, limit: 7 },
      null,
      { kind: 'offset', from: walkStart(now), skip: 7 },
    ],
  ])('%s', (_name, query, stored, expected) => {
    expect(feedStart(query, stored, now)).toEqual(expected);
  });
});

describe('nextPosition: what a served page leaves behind', () => {
  const last = at(2, id(13));
  const from = at(1, id(10));
  it.each<[string, FeedStart, FeedPosition | undefined, FeedPosition | undefined]>([
    ['a cursor page never touches it', { kind: 'cursor', from }, last, undefined],
    ['an empty cursor page neither', { kind: 'cursor', from }, undefined, undefined],
    ['restart: the last served', { kind: 'restart', from: walkStart(now) }, last, last],
    [
      'restart with nobody: the walk start',
      { kind: 'restart', from: walkStart(now) },
      undefined,
      walkStart(now),
    ],
    ['continue: the last served', { kind: 'continue', from }, last, last],
    ['continue with nobody: unchanged', { kind: 'continue', from }, undefined, from],
    ['offset: the last served', { kind: 'offset', from: walkStart(now), skip: 10 }, last, last],
    [
      'offset with nobody: none',
      { kind: 'offset', from: walkStart(now), skip: 10 },
      undefined,
      undefined,
    ],
  ])('%s', (_name, start, lastServed, expected) => {
    expect(nextPosition(start, lastServed)).toEqual(expected);
  });
});

describe('exclusionsAfter: only exclusions ahead of the walk go into $nin', () => {
  it('keeps ids strictly greater than the cursor, in their order', () => {
    const ids = [id(5), id(30), id(10), id(0x1f), id(0x100), id(9)];
    expect(hex(exclusionsAfter(ids, id(10)))).toEqual(hex([id(30), id(0x1f), id(0x100)]));
  });

  it('compares whole ids, not creation seconds', () => {
    const seconds = 'aaaaaaaa';
    const before = new Types.ObjectId(`${seconds}0000000000000001`);
    const cursor = new Types.ObjectId(`${seconds}0000000000000002`);
    const after = new Types.ObjectId(`${seconds}00000000000000ff`);
    expect(hex(exclusionsAfter([after, before, cursor], cursor))).toEqual(hex([after]));
  });

  it('without a cursor, keeps everything (page 1 and offsets walk from the start)', () => {
    const ids = [id(3), id(1)];
    expect(exclusionsAfter(ids, undefined)).toBe(ids);
  });
});

describe('feedFilterKey', () => {
  it('no filter is "all"; the same skills in any order or repeated share a key', () => {
    expect(feedFilterKey(undefined)).toBe('all');
    expect(feedFilterKey([])).toBe('all');
    const key = feedFilterKey(['react', 'go']);
    expect(key).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(feedFilterKey(['go', 'react'])).toBe(key);
    expect(feedFilterKey(['go', 'react', 'go'])).toBe(key);
    expect(feedFilterKey(['go'])).not.toBe(key);
    expect(feedFilterKey(['go', 'react', 'rust'])).not.toBe(key);
  });

  it('names a filter the same however many other filters were named in between', () => {
    const key = feedFilterKey(['react', 'go']);
    const others = Array.from({ length: 2500 }, (_, i) => feedFilterKey([`skill${i}`]));
    expect(new Set(others).size).toBe(2500);
    expect(feedFilterKey(['go', 'react'])).toBe(key);
    expect(feedFilterKey(['skill7'])).toBe(others[7]);
  });
});

describe('keepUnexcluded: a page from an over-fetched batch', () => {
  const item = (n: number) => ({ _id: new Types.ObjectId(n.toString(16).padStart(24, '0')) });
  const batch = [1, 2, 3, 4, 5, 6].map(item);
  const excluded = new Set([item(2)._id.toHexString(), item(3)._id.toHexString()]);

  it('drops exclusions and stops at want: the walk ends there', () => {
    const { kept, more } = keepUnexcluded(batch, 6, excluded, 3);
    expect(kept).toEqual([1, 4, 5].map(item));
    expect(more).toBe(false);
  });

  it('a full batch short of want (exclusions not sent): read on after it', () => {
    const { kept, more } = keepUnexcluded(batch, 6, excluded, 5);
    expect(kept).toEqual([1, 4, 5, 6].map(item));
    expect(more).toBe(true);
  });

  it('a batch shorter than asked: the tier is exhausted', () => {
    const { kept, more } = keepUnexcluded(batch, 9, excluded, 5);
    expect(kept).toHaveLength(4);
    expect(more).toBe(false);
  });
});

describe('nearestExclusions: what one query carries', () => {
  it('those ahead of the walk, the nearest first, at most max', () => {
    const ids = [9, 3, 7, 1, 5, 8].map(id);
    expect(hex(nearestExclusions(ids, id(2), 3))).toEqual(hex([3, 5, 7].map(id)));
    expect(hex(nearestExclusions(ids, id(2), 10))?.sort()).toEqual(hex([3, 5, 7, 8, 9].map(id)));
    expect(hex(nearestExclusions(ids, null, 2))).toEqual(hex([1, 3].map(id)));
  });
});
