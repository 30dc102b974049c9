import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { BoundedMemo } from '../../common/cache/bounded-memo';
import { OBJECT_ID_PATTERN } from '../../common/validation/object-id';
import { type FeedTier, LAST_FEED_TIER } from '../users/feed-tiers';

/**
 * The feed is one walk over three tiers (users/feed-tiers.ts: boosted, ELITE, everyone else),
 * each in `_id` order. Tiers are evaluated at the walk's `asOf` (set by `page=1`, kept by every
 * later page and cursor), not at each page's time, so a boost or plan that starts or ends while
 * someone pages moves no one between tiers mid-walk: nobody is served twice, and nobody is skipped
 * except a profile that became boosted/ELITE after `asOf` while the walk was already past its new
 * tier (it is served on the next `page=1`).
 */
export { type FeedTier, LAST_FEED_TIER } from '../users/feed-tiers';

/** A point in the walk: after `afterId` in `tier` (`null`: the tier's start), tiers as of `asOf`. */
export interface FeedPosition {
  tier: FeedTier;
  afterId: Types.ObjectId | null;
  asOf: Date;
}

/** The walk's start: nothing served yet. */
export function walkStart(asOf: Date): FeedPosition {
  return { tier: 0, afterId: null, asOf };
}

export function sameFeedPosition(a: FeedPosition, b: FeedPosition): boolean {
  return encodeFeedPosition(a) === encodeFeedPosition(b);
}

/** `<tier>.<id or ->.<asOf ms>`: the stored position and `pagination.nextCursor`. */
export function encodeFeedPosition({ tier, afterId, asOf }: FeedPosition): string {
  return `${tier}.${afterId ? afterId.toHexString() : '-'}.${asOf.getTime()}`;
}

const ENCODED_POSITION = /^([0-2])\.([0-9a-fA-F]{24}|-)\.(\d{1,15})$/;
const LEGACY_CURSOR = OBJECT_ID_PATTERN;

/** Matches what {@link decodeFeedPosition} accepts (for the `after=` validator). */
export const FEED_CURSOR_PATTERN = new RegExp(
  `${ENCODED_POSITION.source}|${LEGACY_CURSOR.source}`,
  'i',
);

/**
 * Reads an encoded position. With `now`, a bare user id (the `after=` cursor before tiers existed)
 * continues after that id in the last tier, with tiers as of `now`. Anything else: `null`.
 */
export function decodeFeedPosition(
  raw: string | null | undefined,
  now?: Date,
): FeedPosition | null {
  if (!raw) return null;
  const match = ENCODED_POSITION.exec(raw);
  if (match) {
    const asOf = new Date(Number(match[3]));
    if (Number.isNaN(asOf.getTime())) return null;
    return {
      tier: Number(match[1]) as FeedTier,
      afterId: match[2] === '-' ? null : new Types.ObjectId(match[2]),
      asOf,
    };
  }
  if (now && LEGACY_CURSOR.test(raw)) {
    return { tier: LAST_FEED_TIER, afterId: new Types.ObjectId(raw), asOf: now };
  }
  return null;
}

/** Filters in use are few (the skill sets clients offer), so their names are kept, up to this many. */
const filterKeys = new BoundedMemo<string, string>(1000);

/**
 * Names a skills filter in Redis keys: `all`, or a hash of the normalised skills in any order.
 * A page names its filter three times (prefetch, page, count): the hash is computed once.
 */
export function feedFilterKey(skillsKey: readonly string[] | undefined): string {
  if (!skillsKey?.length) return 'all';
  const asGiven = skillsKey.join('\n');
  let key = filterKeys.get(asGiven);
  if (key === undefined) {
    key = createHash('sha1')
      .update([...new Set(skillsKey)].sort().join('\n'))
      .digest('base64url');
    filterKeys.set(asGiven, key);
  }
  return key;
}

/**
 * Where a feed page starts, in order of precedence:
 * - `cursor`: `after=` was given; stateless, the stored position is neither read nor written.
 * - `restart`: `page=1`; a new walk (tiers as of now), and the stored position is reset to what
 *   it serves.
 * - `continue`: `page>1` with a stored position; after the last profile this viewer was served
 *   under this filter, whatever the page number (a client whose swipes shrink the set cannot
 *   skip anyone this way).
 * - `offset`: `page>1` without a stored position (a client starting at page>1, an hour idle, or
 *   Redis unavailable): the plain `(page − 1) × limit` offset into a new walk, which then becomes
 *   the position.
 */
export type FeedStart =
  | { kind: 'cursor'; from: FeedPosition }
  | { kind: 'restart'; from: FeedPosition }
  | { kind: 'continue'; from: FeedPosition }
  | { kind: 'offset'; from: FeedPosition; skip: number };

export function feedStart(
  query: { page: number; limit: number; after?: string },
  position: FeedPosition | null,
  now: Date,
): FeedStart {
  const cursor = decodeFeedPosition(query.after, now);
  if (cursor) return { kind: 'cursor', from: cursor };
  if (query.page <= 1) return { kind: 'restart', from: walkStart(now) };
  if (position) return { kind: 'continue', from: position };
  return { kind: 'offset', from: walkStart(now), skip: (query.page - 1) * query.limit };
}

/**
 * What the stored position becomes once a page was served (`undefined`: leave it alone): the
 * last profile served; after an empty page, unchanged (`continue`, refreshing its TTL) or the
 * walk's start (`restart`).
 */
export function nextPosition(
  start: FeedStart,
  lastServed: FeedPosition | undefined,
): FeedPosition | undefined {
  switch (start.kind) {
    case 'cursor':
      return undefined;
    case 'restart':
    case 'continue':
      return lastServed ?? start.from;
    case 'offset':
      return lastServed;
  }
}

/**
 * The exclusions that can matter to a walk over `_id > afterId`: only those after it. Keeps the
 * `$nin` list sent with a continuing page to the people ahead of the viewer's position, not
 * everyone they ever swiped (who, swiping in feed order, are almost all behind it).
 */
export function exclusionsAfter(
  ids: Types.ObjectId[],
  afterId: Types.ObjectId | null | undefined,
): Types.ObjectId[] {
  if (!afterId) return ids;
  const after = afterId.toHexString();
  return ids.filter((id) => id.toHexString() > after);
}

/**
 * The most exclusions one feed query carries. A viewer who swiped more than this has the rest
 * dropped from the results here, reading on after the page if that left it short.
 */
export const MAX_SENT_EXCLUSIONS = 1000;

/**
 * The exclusions a walk over `_id > afterId` sends with its query: those ahead of it, the nearest
 * {@link MAX_SENT_EXCLUSIONS} (the ones its next rows can meet first).
 */
export function nearestExclusions(
  ids: Types.ObjectId[],
  afterId: Types.ObjectId | null | undefined,
  max = MAX_SENT_EXCLUSIONS,
): Types.ObjectId[] {
  const ahead = exclusionsAfter(ids, afterId);
  if (ahead.length <= max) return ahead;
  return ahead
    .map((id) => ({ id, hex: id.toHexString() }))
    .sort((x, y) => (x.hex < y.hex ? -1 : 1))
    .slice(0, max)
    .map(({ id }) => id);
}

/**
 * The batch's profiles not in `excluded` (hex ids), at most `want`, and whether the walk must read
 * on after the batch (it came back full but exclusions not sent with the query left it short).
 */
/** Who a page leaves out, asked by hex id (a Set, or the packed list of connections). */
export interface HexIdFilter {
  has(hexId: string): boolean;
}

export function keepUnexcluded<T extends { _id: Types.ObjectId }>(
  batch: T[],
  asked: number,
  excluded: HexIdFilter,
  want: number,
): { kept: T[]; more: boolean } {
  const kept: T[] = [];
  for (const item of batch) {
    if (kept.length === want) return { kept, more: false };
    if (!excluded.has(item._id.toHexString())) kept.push(item);
  }
  return { kept, more: batch.length === asked && kept.length < want };
}
