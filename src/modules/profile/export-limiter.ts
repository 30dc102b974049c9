import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Types } from 'mongoose';
import { AppError } from '../../common/errors/app-error';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { retryAfterFields } from '../../common/throttling/rate-limit-response';
import { PROFILE_ERRORS } from './profile.errors';

/** Data exports per user per window: each reads everything the user has. */
export const EXPORTS_PER_WINDOW = 3;
export const EXPORT_WINDOW_MS = 60 * 60_000;

/**
 * `GET /profile/export` per user (not per IP: the route is authenticated, and the cost is the
 * user's data), a fixed window counted in Redis so every instance shares it. The global
 * throttler counts per IP before the caller is known, hence this one. Fails open: a Redis error
 * never stops a user from taking their data.
 */
@Injectable()
export class ExportLimiter {
  private readonly logger = new Logger(ExportLimiter.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Counts one export; throws the 429 (with `retryAfter` and `Retry-After`) over the limit. */
  async consume(userId: Types.ObjectId, now = Date.now()): Promise<void> {
    const key = `profile-export:${userId.toHexString()}`;
    let count: number;
    let ttlMs: number;
    try {
      const results = await this.redis
        .multi()
        .set(key, '0', 'PX', EXPORT_WINDOW_MS, 'NX')
        .incr(key)
        .pttl(key)
        .exec();
      count = Number(results?.[1]?.[1] ?? 0);
      ttlMs = Number(results?.[2]?.[1] ?? EXPORT_WINDOW_MS);
    } catch (error) {
      this.logger.warn({ msg: 'Export limit unavailable; allowing', err: error });
      return;
    }
    if (count <= EXPORTS_PER_WINDOW) return;
    const seconds = Math.max(1, Math.ceil((ttlMs > 0 ? ttlMs : EXPORT_WINDOW_MS) / 1000));
    const extra = retryAfterFields(seconds, now);
    const entry = PROFILE_ERRORS.exportRateLimited;
    throw new AppError(entry, entry.message(extra.retryAfter), extra);
  }
}
