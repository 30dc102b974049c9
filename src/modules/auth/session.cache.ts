import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Types } from 'mongoose';
import { RedisReadCache } from '../../common/cache/redis-read-cache';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { isObjectIdString } from '../../common/validation/object-id';

/** What the guard needs to know about a session. */
export interface SessionState {
  userId: Types.ObjectId;
  expiresAt: Date;
  revoked: boolean;
}

/**
 * A cached "active" state lives at most this long, bounding how late a revocation whose cache
 * write failed (Redis unreachable at that moment) takes effect.
 */
export const SESSION_CACHE_TTL_MS = 2 * 60_000;

/**
 * Session liveness by id, for the guard and the socket heartbeat. Revocations are written here
 * as `revoked` entries (authoritative: a revoked session never comes back), so they take effect
 * on every instance at once.
 */
@Injectable()
export class SessionCache extends RedisReadCache<SessionState> {
  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    super(redis, {
      namespace: 'session',
      ttlMs: SESSION_CACHE_TTL_MS,
      invalidationMs: 10_000,
      // Every authenticated request reads its session, almost always unchanged since the last.
      rememberDecoded: 10_000,
      encode: (state) =>
        `${state.userId.toHexString()}:${state.expiresAt.getTime()}:${state.revoked ? 1 : 0}`,
      decode: (raw) => {
        const [userId, expiresAt, revoked] = raw.toString().split(':');
        if (!isObjectIdString(userId) || !Number.isFinite(Number(expiresAt))) {
          throw new Error('not a cached session');
        }
        return {
          userId: new Types.ObjectId(userId),
          expiresAt: new Date(Number(expiresAt)),
          revoked: revoked === '1',
        };
      },
    });
  }
}
