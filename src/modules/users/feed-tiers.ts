/**
 * The feed's tiers, in walk order (the walk itself is in feed/feed-paging.ts; the queries that
 * select each tier live in the users repository, which owns the collection):
 * 0. boosted profiles (an ELITE boost running at the walk's start),
 * 1. members with feed priority (ELITE) at the walk's start, not boosted,
 * 2. everyone else.
 */
export const FEED_TIERS = ['boosted', 'priority', 'everyone'] as const;
export type FeedTier = 0 | 1 | 2;
export const LAST_FEED_TIER: FeedTier = 2;
