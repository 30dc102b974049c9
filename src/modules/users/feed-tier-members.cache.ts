import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisReadCache } from '../../common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import type { TierFields, TierMembers } from './feed-tiers';

/** How long the list lives if no grant or boost invalidates it (bounds writes made outside the API). */
export const FEED_TIER_MEMBERS_TTL_MS = 60_000;
/** How far back the list reaches: walks and cursors older than this query every tier. */
export const FEED_TIER_MEMBERS_HORIZON_MS = 24 * 60 * 60_000;
/** More members than this are not listed (`complete: false`): the walk queries every tier. */
export const MAX_LISTED_TIER_MEMBERS = 2000;

const KEY = 'all';

type EncodedMember = [
  boostedAt: number | null,
  boostedUntil: number | null,
  priorityUntil: number | null,
];

const time = (date: Date | null | undefined) => (date ? date.getTime() : null);
const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * The boosted and ELITE users' tier fields (few, and written only by grants and boosts), so a feed
 * page skips the queries of tiers nobody is in. Every grant and boost in the users repository
 * invalidates it; one entry for the whole deployment.
 */
@Injectable()
export class FeedTierMembersCache extends RedisReadCache<TierMembers> {
  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    super(redis, {
      namespace: 'feed-tiers',
      ttlMs: FEED_TIER_MEMBERS_TTL_MS,
      invalidationMs: 1000,
      // Read on every feed page and never changed by a reader: decoded once per new entry, and
      // concurrent misses share one load (two index queries) instead of one each.
      rememberDecoded: 1,
      encode: (known) =>
        JSON.stringify({
          since: known.since.getTime(),
          complete: known.complete,
          members: known.members.map((m): EncodedMember => [
            time(m.boostedAt),
            time(m.boostedUntil),
            time(m.feedPriorityUntil),
          ]),
        }),
      decode: (raw) => {
        const parsed = JSON.parse(raw.toString('utf8')) as {
          since: number;
          complete: boolean;
          members: EncodedMember[];
        };
        if (typeof parsed.since !== 'number') throw new Error('not a tier list');
        return {
          since: new Date(parsed.since),
          complete: parsed.complete,
          members: parsed.members.map(([boostedAt, boostedUntil, priorityUntil]): TierFields => ({
            boostedAt: date(boostedAt),
            boostedUntil: date(boostedUntil),
            feedPriorityUntil: date(priorityUntil),
          })),
        };
      },
    });
  }

  read(load: () => Promise<TierMembers>): Promise<TierMembers | null> {
    return this.get(KEY, load);
  }

  changed(): Promise<void> {
    return this.invalidate(KEY);
  }
}
