import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Types } from 'mongoose';
import { RedisReadCache } from '../../common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { feedFilterKey } from './feed-paging';

/** How long `pagination.totalUsers` may lag behind swipes and sign-ups. */
export const FEED_COUNT_TTL_MS = 30_000;

/**
 * The feed's candidate count per viewer and skills filter. Counting is the one feed query whose
 * cost grows with the number of users, and the SPA only shows it as a total, so it is computed
 * at most once per viewer, filter and {@link FEED_COUNT_TTL_MS}.
 */
@Injectable()
export class FeedCountCache extends RedisReadCache<number> {
  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    super(redis, {
      namespace: 'feed-count',
      ttlMs: FEED_COUNT_TTL_MS,
      invalidationMs: 1,
      encode: (count) => String(count),
      decode: (raw) => {
        const count = Number(raw.toString());
        if (!Number.isInteger(count)) throw new Error('not a count');
        return count;
      },
    });
  }

  count(viewerId: Types.ObjectId, skillsKey: string[] | undefined, load: () => Promise<number>) {
    return this.get(
      `${viewerId.toHexString()}:${feedFilterKey(skillsKey)}`,
      load,
    ) as Promise<number>;
  }
}
