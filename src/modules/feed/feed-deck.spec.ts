import { Types } from 'mongoose';
import {
  DECK_RESTART_REUSE_MS,
  decodeFeedDeck,
  deckEntriesAfter,
  deckEntriesAhead,
  deckEntry,
  encodeFeedDeck,
  restartableWalk,
  stillACandidate,
  type FeedDeck,
} from './feed-deck';

const id = (n: number) => new Types.ObjectId(n.toString(16).padStart(24, '0'));
const asOf = new Date('2026-12-04T06:00:00.000Z');

/** Tier 0: ids 5, 9; tier 2: ids 1…6; built from the walk's start. */
const deck = (): FeedDeck => ({
  asOf,
  from: { tier: 0, afterId: null },
  entries: [
    deckEntry(0, id(5)),
    deckEntry(0, id(9)),
    ...[1, 2, 3, 4, 6].map((n) => deckEntry(2, id(n))),
  ],
  tierStamp: 42,
  builtAt: asOf,
});
const ids = (entries: { id: Types.ObjectId }[] | null) =>
  entries?.map((e) => e.id.toHexString()) ?? null;
const none = new Set<string>();

describe('deckEntriesAhead', () => {
  it('the next entries after a position in walk order, excluded or not, up to the count', () => {
    const from = { tier: 0 as const, afterId: id(9), asOf };
    expect(ids(deckEntriesAhead(deck(), from, 2))).toEqual(ids([{ id: id(1) }, { id: id(2) }]));
    expect(ids(deckEntriesAhead(deck(), { tier: 0, afterId: null, asOf }, 3))).toEqual(
      ids([{ id: id(5) }, { id: id(9) }, { id: id(1) }]),
    );
    expect(deckEntriesAhead(deck(), { tier: 2, afterId: id(6), asOf }, 3)).toEqual([]);
  });
});

describe('deckEntriesAfter', () => {
  it('serves in walk order after the position: tiers first, then ids', () => {
    const from = { tier: 0 as const, afterId: id(9), asOf };
    expect(ids(deckEntriesAfter(deck(), from, 42, none, 3))).toEqual(
      ids([id(1), id(2), id(3)].map((x) => ({ id: x }))),
    );
    const start = { tier: 0 as const, afterId: null, asOf };
    expect(ids(deckEntriesAfter(deck(), start, 42, none, 2))).toEqual(
      [id(5), id(9)].map((x) => x.toHexString()),
    );
  });

  it('skips the excluded and still fills the page when enough remain', () => {
    const from = { tier: 2 as const, afterId: id(1), asOf };
    const excluded = new Set([id(3).toHexString()]);
    expect(ids(deckEntriesAfter(deck(), from, 42, excluded, 3))).toEqual(
      [id(2), id(4), id(6)].map((x) => x.toHexString()),
    );
    expect(deckEntriesAfter(deck(), from, 42, excluded, 4)).toBeNull(); // short: the database reads on
  });

  it('refuses another walk, another tier list, or a position before the deck or past its end', () => {
    const from = { tier: 2 as const, afterId: id(1), asOf };
    expect(
      deckEntriesAfter(deck(), { ...from, asOf: new Date(asOf.getTime() + 1) }, 42, none, 1),
    ).toBeNull();
    expect(deckEntriesAfter(deck(), from, 43, none, 1)).toBeNull();
    expect(deckEntriesAfter(deck(), from, null, none, 1)).toBeNull();
    const later = { ...deck(), from: { tier: 2 as const, afterId: id(2) } };
    expect(deckEntriesAfter(later, from, 42, none, 1)).toBeNull();
    expect(deckEntriesAfter(deck(), { tier: 2, afterId: id(6), asOf }, 42, none, 1)).toBeNull();
  });
});

describe('restartableWalk', () => {
  it('reuses a deck from the walk start built under the same tier list less than 30 s ago', () => {
    const justBefore = new Date(asOf.getTime() + DECK_RESTART_REUSE_MS - 1);
    expect(restartableWalk(deck(), 42, justBefore)).toEqual(asOf);
    expect(
      restartableWalk(deck(), 42, new Date(asOf.getTime() + DECK_RESTART_REUSE_MS)),
    ).toBeNull();
    expect(restartableWalk(deck(), 41, asOf)).toBeNull();
    expect(restartableWalk(null, 42, asOf)).toBeNull();
    expect(restartableWalk({ ...deck(), from: { tier: 2, afterId: id(1) } }, 42, asOf)).toBeNull();
  });
});

describe('stillACandidate', () => {
  const user = { emailVerified: true, onboardingComplete: true, skillsKey: ['go', 'rust'] };
  it('needs a verified, onboarded user sharing a skill with the filter (if any)', () => {
    expect(stillACandidate(user, undefined)).toBe(true);
    expect(stillACandidate(user, ['react', 'go'])).toBe(true);
    expect(stillACandidate(user, ['react'])).toBe(false);
    expect(stillACandidate({ ...user, emailVerified: false }, undefined)).toBe(false);
    expect(stillACandidate({ ...user, onboardingComplete: false }, undefined)).toBe(false);
  });
});

describe('encodeFeedDeck / decodeFeedDeck', () => {
  it('round-trips, at about 25 bytes an entry', () => {
    const encoded = encodeFeedDeck(deck());
    expect(decodeFeedDeck(encoded)).toEqual(deck());
    expect(encoded.length).toBeLessThan(100 + 25 * deck().entries.length);
  });

  it('reads anything else as no deck', () => {
    for (const raw of [
      null,
      '',
      'x',
      '{}',
      '{"a":1,"t":1,"b":1,"f":"3","e":""}',
      '{"a":1,"t":1,"b":1,"f":"0","e":"0abc"}',
    ]) {
      expect(decodeFeedDeck(raw)).toBeNull();
    }
  });
});
