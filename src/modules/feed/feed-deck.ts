import { Types } from 'mongoose';
import { type FeedTier } from '../users/feed-tiers';
import type { FeedPosition, HexIdFilter } from './feed-paging';

/**
 * A viewer's deck: the next stretch of their walk, read from the database once with a larger
 * limit and served page by page from Redis, so most feed pages cost no database query.
 *
 * A deck holds every candidate of the walk (same `asOf`) after `from` up to its last entry, as
 * the database saw them when it was built. What can change since then is handled when a page is
 * served from it:
 * - someone the viewer swipes joins the exclusions: filtered out here;
 * - someone leaves the exclusions (a request withdrawn, a connection removed): the viewer's decks
 *   are dropped by that write (see FeedDeckStore);
 * - a profile edited, unverified or its skills changed: re-checked from the user cache;
 * - a boost or plan grant: the tier list's stamp changes and every deck built before it is unused;
 * - new sign-ups have larger ids and come after the deck, where the walk goes on from the database.
 */
export interface FeedDeck {
  /** The walk's `asOf`: a deck serves only positions of the same walk. */
  asOf: Date;
  /** Where the deck starts (exclusive): the position its database read continued from. */
  from: { tier: FeedTier; afterId: Types.ObjectId | null };
  entries: DeckEntry[];
  /** The tier list it was built under (its `since`, in ms): another list means tiers may differ. */
  tierStamp: number;
  builtAt: Date;
}

export interface DeckEntry {
  tier: FeedTier;
  id: Types.ObjectId;
  /** `id` as hex, which every page compares and filters by (converting it costs more than keeping it). */
  hex: string;
}

export function deckEntry(tier: FeedTier, id: Types.ObjectId, hex = id.toHexString()): DeckEntry {
  return { tier, id, hex };
}

/** Profiles one database read fetches for a deck: five pages of the default size. */
export const FEED_DECK_SIZE = 50;

/**
 * How long `page=1` may reuse the deck of a walk started that long ago (tiers as of then) instead
 * of starting a new one; the tier list's stamp, which changes with any boost or grant and at least
 * every minute, bounds it too.
 */
export const DECK_RESTART_REUSE_MS = 30_000;

/** Walk order: tier, then `_id` (as hex); `null` is a tier's start, before any of its ids. */
function compareWalkPoints(
  tierA: FeedTier,
  hexA: string | null,
  tierB: FeedTier,
  hexB: string | null,
): number {
  if (tierA !== tierB) return tierA - tierB;
  if (hexA === null || hexB === null) return (hexA === null ? 0 : 1) - (hexB === null ? 0 : 1);
  return hexA < hexB ? -1 : hexA > hexB ? 1 : 0;
}

/**
 * The deck's candidates after `from`, not in `excluded` (hex ids), at most `want`; `null` when the
 * deck cannot serve a full page from there: another walk or tier list, `from` outside the stretch
 * it covers, or fewer than `want` left in it (the database then reads on).
 */
export function deckEntriesAfter(
  deck: FeedDeck,
  from: FeedPosition,
  tierStamp: number | null,
  excluded: HexIdFilter,
  want: number,
): DeckEntry[] | null {
  if (tierStamp === null || deck.tierStamp !== tierStamp) return null;
  if (deck.asOf.getTime() !== from.asOf.getTime()) return null;
  const fromHex = from.afterId ? from.afterId.toHexString() : null;
  const deckFromHex = deck.from.afterId ? deck.from.afterId.toHexString() : null;
  if (compareWalkPoints(from.tier, fromHex, deck.from.tier, deckFromHex) < 0) return null;
  const picked: DeckEntry[] = [];
  for (const entry of deck.entries) {
    if (picked.length === want) break;
    if (compareWalkPoints(entry.tier, entry.hex, from.tier, fromHex) <= 0) continue;
    if (!excluded.has(entry.hex)) picked.push(entry);
  }
  return picked.length === want ? picked : null;
}

/**
 * Up to `count` entries of the deck after `from`, whoever they are: a guess at the profiles a page
 * from there will serve (exclusions, the tier list and the walk are checked by
 * {@link deckEntriesAfter} when the page is served).
 */
export function deckEntriesAhead(deck: FeedDeck, from: FeedPosition, count: number): DeckEntry[] {
  const fromHex = from.afterId ? from.afterId.toHexString() : null;
  const ahead: DeckEntry[] = [];
  for (const entry of deck.entries) {
    if (ahead.length === count) break;
    if (compareWalkPoints(entry.tier, entry.hex, from.tier, fromHex) > 0) ahead.push(entry);
  }
  return ahead;
}

/**
 * The walk `page=1` may continue instead of starting anew at `now`: the deck's, if it starts at the
 * walk's beginning, was built under the current tier list and less than
 * {@link DECK_RESTART_REUSE_MS} ago. The profiles it serves are the ones a new walk would, apart
 * from what the list of changes in {@link FeedDeck} already covers.
 */
export function restartableWalk(
  deck: FeedDeck | null,
  tierStamp: number | null,
  now: Date,
): Date | null {
  if (!deck || tierStamp === null || deck.tierStamp !== tierStamp) return null;
  if (deck.from.tier !== 0 || deck.from.afterId !== null) return null;
  const age = now.getTime() - deck.builtAt.getTime();
  return age >= 0 && age < DECK_RESTART_REUSE_MS ? deck.asOf : null;
}

/** Whether a (cached) user served from a deck still belongs in the feed's filter. */
export function stillACandidate(
  user: { emailVerified?: boolean; onboardingComplete?: boolean; skillsKey?: string[] },
  skillsKey: string[] | undefined,
): boolean {
  if (!user.emailVerified || !user.onboardingComplete) return false;
  if (!skillsKey?.length) return true;
  return (user.skillsKey ?? []).some((skill) => skillsKey.includes(skill));
}

/** `{a,t,b,f,e}` with entries as `<tier><24 hex>` strings, one after the other: ~25 bytes each. */
export function encodeFeedDeck(deck: FeedDeck): string {
  return JSON.stringify({
    a: deck.asOf.getTime(),
    t: deck.tierStamp,
    b: deck.builtAt.getTime(),
    f: `${deck.from.tier}${deck.from.afterId ? deck.from.afterId.toHexString() : ''}`,
    e: deck.entries.map((entry) => `${entry.tier}${entry.hex}`).join(''),
  });
}

const ENTRY = /^[0-2][0-9a-f]{24}$/;
const FROM = /^[0-2]([0-9a-f]{24})?$/;

/** Reads what {@link encodeFeedDeck} wrote; anything else is `null`. */
export function decodeFeedDeck(raw: string | null): FeedDeck | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as {
      a: unknown;
      t: unknown;
      b: unknown;
      f: unknown;
      e: unknown;
    };
    const { a, t, b, f, e } = parsed;
    if (typeof a !== 'number' || typeof t !== 'number' || typeof b !== 'number') return null;
    if (typeof f !== 'string' || !FROM.test(f) || typeof e !== 'string' || e.length % 25 !== 0) {
      return null;
    }
    const entries: DeckEntry[] = [];
    for (let i = 0; i < e.length; i += 25) {
      const entry = e.slice(i, i + 25);
      if (!ENTRY.test(entry)) return null;
      const hex = entry.slice(1);
      entries.push(deckEntry(Number(entry[0]) as FeedTier, new Types.ObjectId(hex), hex));
    }
    return {
      asOf: new Date(a),
      tierStamp: t,
      builtAt: new Date(b),
      from: {
        tier: Number(f[0]) as FeedTier,
        afterId: f.length > 1 ? new Types.ObjectId(f.slice(1)) : null,
      },
      entries,
    };
  } catch {
    return null;
  }
}
