import { LOGIN_LIMITS, loginDecision, type LoginCounts } from './login-attempts';

const WINDOW = LOGIN_LIMITS.windowMs;

/** Counts as the store returns them, this attempt included; fresh windows unless given. */
function counts(overrides: Partial<Record<keyof LoginCounts, unknown>> = {}): LoginCounts {
  const fresh = { count: 1, ttlMs: WINDOW };
  return {
    accountFailures: fresh,
    addressFailures: fresh,
    knownAddress: false,
    ...overrides,
  } as LoginCounts;
}

describe('loginDecision', () => {
  it('10 failures per account and 20 per address, per 15 minutes', () => {
    expect(LOGIN_LIMITS).toMatchObject({
      windowMs: 15 * 60_000,
      accountFailures: 10,
      addressFailures: 20,
      knownAddressMs: 30 * 24 * 60 * 60_000,
    });
  });

  it('a first attempt is allowed', () => {
    expect(loginDecision(counts())).toEqual({ allowed: true });
  });

  it.each<[string, Partial<LoginCounts>]>([
    ['the 10th failure of an account', { accountFailures: { count: 10, ttlMs: 1 } }],
    ['the 20th failure of an address', { addressFailures: { count: 20, ttlMs: 1 } }],
  ])('allows %s (exactly at the limit)', (_name, overrides) => {
    expect(loginDecision(counts(overrides))).toEqual({ allowed: true });
  });

  it.each<[string, Partial<LoginCounts>, string, number]>([
    [
      'an 11th failure for the account',
      { accountFailures: { count: 11, ttlMs: 600_000 } },
      'accountFailures',
      600,
    ],
    [
      'a 21st failure for the address',
      { addressFailures: { count: 21, ttlMs: 300_500 } },
      'addressFailures',
      301,
    ],
  ])('refuses %s, retrying when its window ends', (_name, overrides, limit, seconds) => {
    expect(loginDecision(counts(overrides))).toEqual({
      allowed: false,
      limits: [limit],
      retryAfterSeconds: seconds,
    });
  });

  it('a shared address with many correct logins is never held: only failures count', () => {
    // Every success took its provisional failure back: the counters stay at this one attempt.
    expect(
      loginDecision(
        counts({
          accountFailures: { count: 1, ttlMs: WINDOW },
          addressFailures: { count: 1, ttlMs: WINDOW },
        }),
      ),
    ).toEqual({ allowed: true });
  });

  it('an address known to the account passes the account limit, not its own limits', () => {
    const locked = { accountFailures: { count: 500, ttlMs: 800_000 } };
    expect(loginDecision(counts({ ...locked, knownAddress: true }))).toEqual({ allowed: true });
    expect(
      loginDecision(
        counts({
          ...locked,
          knownAddress: true,
          addressFailures: { count: 21, ttlMs: 100_000 },
        }),
      ),
    ).toEqual({ allowed: false, limits: ['addressFailures'], retryAfterSeconds: 100 });
  });

  it('several limits exceeded: retry when the last of their windows ends', () => {
    expect(
      loginDecision(
        counts({
          accountFailures: { count: 11, ttlMs: 200_000 },
          addressFailures: { count: 21, ttlMs: 700_000 },
        }),
      ),
    ).toEqual({
      allowed: false,
      limits: ['accountFailures', 'addressFailures'],
      retryAfterSeconds: 700,
    });
  });

  it('takes other limits (the same rule at another scale)', () => {
    const limits = { accountFailures: 1, addressFailures: 2 };
    expect(loginDecision(counts({ accountFailures: { count: 2, ttlMs: 1000 } }), limits)).toEqual({
      allowed: false,
      limits: ['accountFailures'],
      retryAfterSeconds: 1,
    });
    expect(loginDecision(counts({ addressFailures: { count: 2, ttlMs: 1000 } }), limits)).toEqual({
      allowed: true,
    });
  });
});
