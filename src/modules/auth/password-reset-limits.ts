import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppError } from '../../common/errors/app-error';
import { COMMON_ERRORS } from '../../common/errors/common.errors';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { retryAfterFields } from '../../common/throttling/rate-limit-response';
import { sha256Hex } from './token.service';

/** Reset emails per address (known or not, so a 429 says nothing about the account). */
export const FORGOT_PER_ADDRESS = { limit: 3, windowMs: 15 * 60_000 };

// One round trip: count the request in a fixed window that starts at its first count.
const COUNT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { n, ttl }`;

/**
 * The per-address limit of `POST /auth/password/forgot` (the per-IP one is the route's
 * `passwordForgot` throttler), in Redis as `password-reset:address:<sha256(email)>`, the way
 * login counts failures per account (login-attempts.store.ts).
 */
@Injectable()
export class PasswordResetLimits {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Counts one request for the address; throws the 429 beyond the limit. */
  async count(emailId: string, nowMs = Date.now()): Promise<void> {
    const [count, ttlMs] = (await this.redis.eval(
      COUNT,
      1,
      `password-reset:address:${sha256Hex(emailId)}`,
      String(FORGOT_PER_ADDRESS.windowMs),
    )) as number[];
    if (count <= FORGOT_PER_ADDRESS.limit) return;
    const extra = retryAfterFields(Math.max(1, Math.ceil(ttlMs / 1000)), nowMs);
    throw new AppError(
      COMMON_ERRORS.tooManyAttempts,
      COMMON_ERRORS.tooManyAttempts.message(extra.retryAfter),
      extra,
    );
  }
}
