import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Types } from 'mongoose';
import { RedisReadCache } from '../../common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import type { UserRecord } from './user.schema';
import { withViewMemo } from './user.views';

/** A cached user lives this long: the staleness bound for writes made outside the API. */
export const USER_CACHE_TTL_MS = 10 * 60_000;

/** The user's Date fields (everything else in a user is JSON-native apart from `_id`). */
const DATE_FIELDS = ['createdAt', 'updatedAt', 'membershipExpiry'] as const;

/**
 * Users without secrets, by id: read by every authenticated request and by every list that shows
 * people. Stored as JSON (parsing it is several times cheaper than BSON) with `_id` and the dates
 * revived. Every write in {@link UsersRepository} invalidates its user.
 */
@Injectable()
export class UserCache extends RedisReadCache<UserRecord> {
  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    super(redis, {
      namespace: 'user',
      ttlMs: USER_CACHE_TTL_MS,
      invalidationMs: 10_000,
      // Every authenticated request and every list of people decodes users: most are unchanged.
      rememberDecoded: 5000,
      encode: (user) => JSON.stringify(user),
      decode: (raw) => {
        const user = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        if (typeof user._id !== 'string') throw new Error('not a cached user');
        user._id = new Types.ObjectId(user._id);
        for (const field of DATE_FIELDS) {
          if (typeof user[field] === 'string') user[field] = new Date(user[field]);
        }
        return withViewMemo(user as unknown as UserRecord);
      },
    });
  }
}
