import { AppError } from '../errors/app-error';
import { RATE_LIMITS, type RateLimitName } from './rate-limits';

/** One request's place in its window, as the storage counted it. */
export interface RateLimitState {
  limit: number;
  /** The window, in milliseconds. */
  ttlMs: number;
  totalHits: number;
  /** Seconds until the window ends. */
  timeToExpire: number;
}

/** IETF draft-6 `RateLimit-*` headers for a counted request (set on every response of the route). */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  const { limit, ttlMs, totalHits, timeToExpire } = state;
  return {
    'RateLimit-Policy': `${limit};w=${Math.round(ttlMs / 1000)}`,
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, limit - totalHits)),
    'RateLimit-Reset': String(timeToExpire),
  };
}

/**
 * The 429 of a named limit: `retryAfter` in whole minutes, rounded up and at least 1 (the SPA
 * counts it down and puts it in the message), `retryAfterSeconds` and `retryAt` (an ISO instant)
 * for everyone else. The `Retry-After` header carries the same seconds.
 */
export function tooManyRequests(
  name: RateLimitName,
  retryAfterSeconds: number,
  nowMs: number,
): AppError {
  const entry = RATE_LIMITS[name].error;
  const extra = retryAfterFields(retryAfterSeconds, nowMs);
  return new AppError(entry, entry.message(extra.retryAfter), extra);
}

/** The retry fields of every 429 body (the named limits and the daily swipe limit). */
export function retryAfterFields(retryAfterSeconds: number, nowMs: number) {
  return {
    retryAfter: Math.max(1, Math.ceil(retryAfterSeconds / 60)),
    retryAfterSeconds,
    retryAt: new Date(nowMs + retryAfterSeconds * 1000).toISOString(),
  };
}
