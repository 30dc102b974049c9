import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { mongo } from 'mongoose';
import { RedisReadCache } from '../../common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import type { UserRecord } from './user.schema';

/** A cached user lives this long: the staleness bound for writes made outside the API. */
export const USER_CACHE_TTL_MS = 10 * 60_000;

/**
 * Users without secrets, by id, for the requests that authenticate (every one). BSON keeps
 * ObjectIds and Dates exact. Every write in {@link UsersRepository} invalidates its user.
 */
@Injectable()
export class UserCache extends RedisReadCache<UserRecord> {
  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    super(redis, {
      namespace: 'user',
      ttlMs: USER_CACHE_TTL_MS,
      invalidationMs: 10_000,
      encode: (user) => Buffer.from(mongo.BSON.serialize(user)),
      decode: (raw) => mongo.BSON.deserialize(raw) as UserRecord,
    });
  }
}
