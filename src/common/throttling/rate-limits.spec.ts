import { RATE_LIMITS, RateLimitName, THROTTLERS } from './rate-limits';

const MINUTE = 60_000;

describe('RATE_LIMITS', () => {
  it.each<[RateLimitName, number, number]>([
    ['signup', 10, 15 * MINUTE],
    ['login', 100, 15 * MINUTE],
    ['resend', 3, 5 * MINUTE],
    ['refresh', 30, 1 * MINUTE],
    ['verifyEmail', 20, 15 * MINUTE],
    ['passwordForgot', 10, 15 * MINUTE],
    ['passwordReset', 20, 15 * MINUTE],
    ['unsubscribe', 60, 15 * MINUTE],
  ])('%s: %i per %i ms, one throttler of the same name', (name, limit, ttl) => {
    expect(RATE_LIMITS[name]).toMatchObject({ limit, ttl });
    expect(THROTTLERS.filter((throttler) => throttler.name === name)).toEqual([
      { name, limit, ttl },
    ]);
  });

  it('registers one throttler per named limit, nothing else', () => {
    expect(THROTTLERS.map((throttler) => throttler.name).sort()).toEqual(
      Object.keys(RATE_LIMITS).sort(),
    );
  });

  it.each<[RateLimitName, number, string]>([
    ['signup', 15, 'Too many attempts. Try again in 15 minute(s)'],
    ['login', 1, 'Too many attempts. Try again in 1 minute(s)'],
    ['refresh', 1, 'Too many requests. Try again in 1 minute(s)'],
    ['verifyEmail', 7, 'Too many requests. Try again in 7 minute(s)'],
    ['resend', 4, 'Too many verification email request. Please wait a few minutes'],
  ])('%s message for %i minute(s)', (name, minutes, message) => {
    expect(RATE_LIMITS[name].error.message(minutes)).toBe(message);
  });
});
