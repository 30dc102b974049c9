import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens', () => {
  const exp = 1_800_000_000; // seconds, like a JWT's `exp`
  const claims = { userId: 'u', sid: 's', exp };

  it('answers a remembered token with its claims until the second of its expiry', () => {
    const tokens = new VerifiedTokens<typeof claims>(10);
    tokens.remember('a.b.c', claims);
    expect(tokens.get('a.b.c', exp * 1000 - 1)).toBe(claims);
    expect(tokens.get('a.b.c', exp * 1000)).toBeUndefined();
    // Gone once expired, even if asked again with an earlier clock.
    expect(tokens.get('a.b.c', exp * 1000 - 1)).toBeUndefined();
  });

  it('knows nothing it was not told: another token, or one without an expiry', () => {
    const tokens = new VerifiedTokens<{ exp?: number }>(10);
    tokens.remember('a.b.c', claims);
    tokens.remember('no.exp.here', {});
    expect(tokens.get('a.b.d', 0)).toBeUndefined();
    expect(tokens.get('no.exp.here', 0)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const tokens = new VerifiedTokens<typeof claims>(2);
    tokens.remember('one', claims);
    tokens.remember('two', claims);
    tokens.remember('three', claims);
    expect(tokens.get('one', 0)).toBeUndefined();
    expect(tokens.get('two', 0)).toBe(claims);
    expect(tokens.get('three', 0)).toBe(claims);
  });
});
