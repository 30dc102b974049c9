import { SetMetadata } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import { COMMON_ERRORS } from '../errors/common.errors';

const MINUTE = 60_000;

/**
 * Every named limit in the API; a route opts in with `@RateLimit(name)` (per client IP). `error` is
 * the 429's catalogue entry: the SPA shows its message and counts `retryAfter` minutes down.
 */
export const RATE_LIMITS = {
  signup: {
    ttl: 15 * MINUTE,
    limit: 10,
    error: COMMON_ERRORS.tooManyAttempts,
  },
  // Every attempt, malformed ones included, against floods from one address. Guessing is held by
  // the failure limits per account and per address (modules/auth/login-attempts.ts).
  login: {
    ttl: 15 * MINUTE,
    limit: 100,
    error: COMMON_ERRORS.tooManyAttempts,
  },
  resend: {
    ttl: 5 * MINUTE,
    limit: 3,
    error: COMMON_ERRORS.tooManyVerificationEmails,
  },
  // The SPA may refresh several times at once (one per failed request), so this one is generous.
  refresh: {
    ttl: 1 * MINUTE,
    limit: 30,
    error: COMMON_ERRORS.tooManyRequests,
  },
  verifyEmail: {
    ttl: 15 * MINUTE,
    limit: 20,
    error: COMMON_ERRORS.tooManyRequests,
  },
  // Per address too (modules/auth/password-reset-limits.ts): this one holds floods of addresses.
  passwordForgot: {
    ttl: 15 * MINUTE,
    limit: 10,
    error: COMMON_ERRORS.tooManyAttempts,
  },
  passwordReset: {
    ttl: 15 * MINUTE,
    limit: 20,
    error: COMMON_ERRORS.tooManyAttempts,
  },
  // Account deletion checks the password: a stolen session must not guess it at bcrypt speed.
  deleteAccount: {
    ttl: 15 * MINUTE,
    limit: 10,
    error: COMMON_ERRORS.tooManyAttempts,
  },
  // Signed links from emails; a mail provider may call one per recipient, so generous per IP.
  unsubscribe: {
    ttl: 15 * MINUTE,
    limit: 60,
    error: COMMON_ERRORS.tooManyRequests,
  },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

export const RATE_LIMIT_KEY = 'rateLimitName';

/** Applies one named limit to a route; routes without it are not rate limited. */
export const RateLimit = (name: RateLimitName) => SetMetadata(RATE_LIMIT_KEY, name);

export const THROTTLERS: ThrottlerOptions[] = Object.entries(RATE_LIMITS).map(
  ([name, { ttl, limit }]) => ({
    name,
    ttl,
    limit,
  }),
);
