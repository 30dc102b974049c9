import { Types } from 'mongoose';
import {
  afterIdOf,
  exclusionsAfter,
  FEED_START_POSITION,
  feedFilterKey,
  feedStart,
  nextPosition,
  type FeedStart,
} from './feed-paging';

const id = (n: number) => new Types.ObjectId(n.toString(16).padStart(24, '0'));
const hex = (ids: Types.ObjectId[] | undefined) => ids?.map((x) => x.toHexString());

describe('feedStart: after= beats page=1 beats a stored position beats the offset', () => {
  const position = id(40);
  it.each<
    [string, { page: number; limit: number; after?: string }, Types.ObjectId | null, FeedStart]
  >([
    [
      'cursor on page 1',
      { page: 1, limit: 5, after: id(7).toHexString() },
      null,
      { kind: 'cursor', afterId: id(7) },
    ],
    [
      'cursor beats a position',
      { page: 3, limit: 5, after: id(7).toHexString() },
      position,
      { kind: 'cursor', afterId: id(7) },
    ],
    ['page 1 restarts even with a position', { page: 1, limit: 5 }, position, { kind: 'restart' }],
    ['page 1 restarts without one', { page: 1, limit: 5 }, null, { kind: 'restart' }],
    [
      'page 3 continues after the position',
      { page: 3, limit: 5 },
      position,
      { kind: 'continue', afterId: position },
    ],
    [
      'page 2 continues after the position',
      { page: 2, limit: 5 },
      position,
      { kind: 'continue', afterId: position },
    ],
    [
      'page 3 without a position is an offset',
      { page: 3, limit: 5 },
      null,
      { kind: 'offset', skip: 10 },
    ],
    ['page 2 of 7 without a position', { page: 2, limit: 7 }, null, { kind: 'offset', skip: 7 }],
  ])('%s', (_name, query, stored, expected) => {
    expect(feedStart(query, stored)).toEqual(expected);
  });

  it('only cursor and continue walk after an id', () => {
    expect(afterIdOf({ kind: 'cursor', afterId: id(1) })).toEqual(id(1));
    expect(afterIdOf({ kind: 'continue', afterId: id(2) })).toEqual(id(2));
    expect(afterIdOf({ kind: 'restart' })).toBeUndefined();
    expect(afterIdOf({ kind: 'offset', skip: 10 })).toBeUndefined();
  });
});

describe('nextPosition: what a served page leaves behind', () => {
  const served = [id(11), id(12), id(13)];
  it.each<[string, FeedStart, Types.ObjectId[], Types.ObjectId | undefined]>([
    ['a cursor page never touches it', { kind: 'cursor', afterId: id(10) }, served, undefined],
    ['an empty cursor page neither', { kind: 'cursor', afterId: id(10) }, [], undefined],
    ['restart: the last served', { kind: 'restart' }, served, id(13)],
    ['restart with nobody: the start', { kind: 'restart' }, [], FEED_START_POSITION],
    ['continue: the last served', { kind: 'continue', afterId: id(10) }, served, id(13)],
    ['continue with nobody: unchanged', { kind: 'continue', afterId: id(10) }, [], id(10)],
    ['offset: the last served', { kind: 'offset', skip: 10 }, served, id(13)],
    ['offset with nobody: none', { kind: 'offset', skip: 10 }, [], undefined],
  ])('%s', (_name, start, ids, expected) => {
    expect(nextPosition(start, ids)).toEqual(expected);
  });

  it('the start position sorts before every real id', () => {
    const real = new Types.ObjectId();
    expect(exclusionsAfter([real], FEED_START_POSITION)).toEqual([real]);
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
});
