/**
 * The feed's tiers, in walk order (the walk itself is in feed/feed-paging.ts; the queries that
 * select each tier live in the users repository, which owns the collection):
 * 0. boosted profiles (an ELITE boost running at the walk's start),
 * 1. members with feed priority (ELITE) at the walk's start, not boosted,
 * 2. everyone else.
 */
export type FeedTier = 0 | 1 | 2;
export const LAST_FEED_TIER: FeedTier = 2;

/** The fields that place a user in tier 0 or 1. */
export interface TierFields {
  boostedAt?: Date | null;
  boostedUntil?: Date | null;
  feedPriorityUntil?: Date | null;
}

/**
 * Everyone who could be in tier 0 or 1 at any moment since `since` (a boost or a priority ending
 * after it), or `complete: false` when there were too many to list.
 */
export interface TierMembers {
  since: Date;
  complete: boolean;
  members: TierFields[];
}

/** The same conditions as the tier queries in the users repository, for one user. */
export const isBoostedAt = (user: TierFields, asOf: Date) =>
  !!user.boostedAt && !!user.boostedUntil && user.boostedAt <= asOf && user.boostedUntil > asOf;
export const hasPriorityAt = (user: TierFields, asOf: Date) =>
  !!user.feedPriorityUntil && user.feedPriorityUntil > asOf;

/**
 * The tiers that may hold someone at `asOf`: the last tier always; tiers 0 and 1 only if a known
 * member is in them then. Unknown (too many members, or `asOf` before what the list covers):
 * every tier, so the walk queries them all.
 */
export function occupiedFeedTiers(known: TierMembers | null, asOf: Date): Set<FeedTier> {
  const tiers = new Set<FeedTier>([LAST_FEED_TIER]);
  if (!known || !known.complete || asOf < known.since) return new Set<FeedTier>([0, 1, 2]);
  for (const user of known.members) {
    if (isBoostedAt(user, asOf)) tiers.add(0);
    else if (hasPriorityAt(user, asOf)) tiers.add(1);
  }
  return tiers;
}
