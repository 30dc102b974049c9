import { createHash } from 'node:crypto';
import { Types } from 'mongoose';

/**
 * A stored position meaning "nothing served yet": `page=1` found no one. Every real id sorts
 * after it, so continuing after it starts from the beginning.
 */
export const FEED_START_POSITION = new Types.ObjectId('000000000000000000000000');

/** Names a skills filter in Redis keys: `all`, or a hash of the normalised skills in any order. */
export function feedFilterKey(skillsKey: string[] | undefined): string {
  if (!skillsKey?.length) return 'all';
  return createHash('sha1')
    .update([...new Set(skillsKey)].sort().join('\n'))
    .digest('base64url');
}

/**
 * Where a feed page starts, in order of precedence:
 * - `cursor`: `after=` was given; stateless, the stored position is neither read nor written.
 * - `restart`: `page=1`; from the beginning, and the stored position is reset to what it serves.
 * - `continue`: `page>1` with a stored position; after the last profile this viewer was served
 *   under this filter, whatever the page number (a client whose swipes shrink the set cannot
 *   skip anyone this way).
 * - `offset`: `page>1` without a stored position (a client starting at page>1, an hour idle, or
 *   Redis unavailable): the plain `(page − 1) × limit` offset, which then becomes the position.
 */
export type FeedStart =
  | { kind: 'cursor'; afterId: Types.ObjectId }
  | { kind: 'restart' }
  | { kind: 'continue'; afterId: Types.ObjectId }
  | { kind: 'offset'; skip: number };

export function feedStart(
  query: { page: number; limit: number; after?: string },
  position: Types.ObjectId | null,
): FeedStart {
  if (query.after) return { kind: 'cursor', afterId: new Types.ObjectId(query.after) };
  if (query.page <= 1) return { kind: 'restart' };
  if (position) return { kind: 'continue', afterId: position };
  return { kind: 'offset', skip: (query.page - 1) * query.limit };
}

/** The `_id` the page walks after, if any. */
export function afterIdOf(start: FeedStart): Types.ObjectId | undefined {
  return start.kind === 'cursor' || start.kind === 'continue' ? start.afterId : undefined;
}

/**
 * What the stored position becomes once a page was served (`undefined`: leave it alone): the
 * last profile served; after an empty page, unchanged (`continue`, refreshing its TTL) or the
 * start (`restart`).
 */
export function nextPosition(
  start: FeedStart,
  servedIds: Types.ObjectId[],
): Types.ObjectId | undefined {
  const last = servedIds.at(-1);
  switch (start.kind) {
    case 'cursor':
      return undefined;
    case 'restart':
      return last ?? FEED_START_POSITION;
    case 'continue':
      return last ?? start.afterId;
    case 'offset':
      return last;
  }
}

/**
 * The exclusions that can matter to a walk over `_id > afterId`: only those after it. Keeps the
 * `$nin` list sent with a continuing page to the people ahead of the viewer's position, not
 * everyone they ever swiped (who, swiping in feed order, are almost all behind it).
 */
export function exclusionsAfter(
  ids: Types.ObjectId[],
  afterId: Types.ObjectId | undefined,
): Types.ObjectId[] {
  if (!afterId) return ids;
  const after = afterId.toHexString();
  return ids.filter((id) => id.toHexString() > after);
}
