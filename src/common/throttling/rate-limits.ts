import { SetMetadata } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';

const MINUTE = 60_000;

/** The SPA shows these and counts `retryAfter` minutes down. */
const tryAgainIn = (prefix: string) => (minutes: number) =>
  `${prefix}. Try again in ${minutes} minute(s)`;

/** Every named limit in the API; a route opts in with `@RateLimit(name)` (per client IP). */
export const RATE_LIMITS = {
  signup: {
    ttl: 15 * MINUTE,
    limit: 10,
    message: tryAgainIn('Too many attempts'),
  },
  login: {
    ttl: 15 * MINUTE,
    limit: 10,
    message: tryAgainIn('Too many attempts'),
  },
  resend: {
    ttl: 5 * MINUTE,
    limit: 3,
    message: () => 'Too many verification email request. Please wait a few minutes',
  },
  // The SPA may refresh several times at once (one per failed request), so this one is generous.
  refresh: {
    ttl: 1 * MINUTE,
    limit: 30,
    message: tryAgainIn('Too many requests'),
  },
  verifyEmail: {
    ttl: 15 * MINUTE,
    limit: 20,
    message: tryAgainIn('Too many requests'),
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
