import { AppError } from '../errors/app-error';
import { rateLimitHeaders, RateLimitState, tooManyRequests } from './rate-limit-response';

describe('rateLimitHeaders', () => {
  it.each<[string, RateLimitState, Record<string, string>]>([
    [
      'first hit of a 15-minute window',
      { limit: 10, ttlMs: 900_000, totalHits: 1, timeToExpire: 900 },
      { policy: '10;w=900', limit: '10', remaining: '9', reset: '900' },
    ],
    [
      'the last allowed hit',
      { limit: 10, ttlMs: 900_000, totalHits: 10, timeToExpire: 12 },
      { policy: '10;w=900', limit: '10', remaining: '0', reset: '12' },
    ],
    [
      'over the limit: remaining never goes negative',
      { limit: 3, ttlMs: 300_000, totalHits: 7, timeToExpire: 200 },
      { policy: '3;w=300', limit: '3', remaining: '0', reset: '200' },
    ],
    [
      'a window that is not whole seconds is rounded',
      { limit: 30, ttlMs: 1_500, totalHits: 2, timeToExpire: 2 },
      { policy: '30;w=2', limit: '30', remaining: '28', reset: '2' },
    ],
    [
      'a window just under a second',
      { limit: 30, ttlMs: 1_499, totalHits: 2, timeToExpire: 1 },
      { policy: '30;w=1', limit: '30', remaining: '28', reset: '1' },
    ],
  ])('%s', (_name, state, expected) => {
    expect(rateLimitHeaders(state)).toEqual({
      'RateLimit-Policy': expected.policy,
      'RateLimit-Limit': expected.limit,
      'RateLimit-Remaining': expected.remaining,
      'RateLimit-Reset': expected.reset,
    });
  });
});

describe('tooManyRequests', () => {
  const NOW = Date.parse('2025-06-01T12:00:00.000Z');

  it.each<[number, number, string]>([
    [900, 15, '2025-06-01T12:15:00.000Z'],
    [899, 15, '2025-06-01T12:14:59.000Z'],
    [841, 15, '2025-06-01T12:14:01.000Z'],
    [840, 14, '2025-06-01T12:14:00.000Z'],
    [121, 3, '2025-06-01T12:02:01.000Z'],
    [120, 2, '2025-06-01T12:02:00.000Z'],
    [61, 2, '2025-06-01T12:01:01.000Z'],
    [60, 1, '2025-06-01T12:01:00.000Z'],
    [59, 1, '2025-06-01T12:00:59.000Z'],
    [1, 1, '2025-06-01T12:00:01.000Z'],
    [0, 1, '2025-06-01T12:00:00.000Z'],
  ])('%i s → retryAfter %i min, retryAt %s', (seconds, minutes, retryAt) => {
    const error = tooManyRequests('signup', seconds, NOW);
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(429);
    expect(error.message).toBe(`Too many attempts. Try again in ${minutes} minute(s)`);
    expect(error.extra).toEqual({ retryAfter: minutes, retryAfterSeconds: seconds, retryAt });
  });

  it.each([
    ['signup', 'Too many attempts. Try again in 2 minute(s)'],
    ['refresh', 'Too many requests. Try again in 2 minute(s)'],
    ['verifyEmail', 'Too many requests. Try again in 2 minute(s)'],
    ['resend', 'Too many verification email request. Please wait a few minutes'],
  ] as const)('%s uses its own message', (name, message) => {
    expect(tooManyRequests(name, 90, NOW).message).toBe(message);
  });
});
