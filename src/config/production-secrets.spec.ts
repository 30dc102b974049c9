import { isPlaceholder, productionSecretProblems } from './production-secrets';

const strong = { access: 'a1'.repeat(32), refresh: 'b2'.repeat(32) };

describe('productionSecretProblems', () => {
  it('accepts generated secrets of 32 bytes or more', () => {
    expect(
      productionSecretProblems({
        ACCESS_TOKEN_SECRET_KEY: strong.access,
        REFRESH_TOKEN_SECRET_KEY: 'r'.repeat(32),
      }),
    ).toEqual([]);
  });

  it(".env.example's placeholders are refused, naming the variable, even though they are long", () => {
    expect(
      productionSecretProblems({
        ACCESS_TOKEN_SECRET_KEY: 'change-me-access-secret-at-least-32-chars',
        REFRESH_TOKEN_SECRET_KEY: strong.refresh,
      }),
    ).toEqual([
      'ACCESS_TOKEN_SECRET_KEY is a placeholder; in production set a secret of your own (e.g. openssl rand -hex 32)',
    ]);
  });

  it('token secrets shorter than 32 bytes are refused; bytes, not characters, count', () => {
    expect(
      productionSecretProblems({
        ACCESS_TOKEN_SECRET_KEY: 'k'.repeat(31),
        REFRESH_TOKEN_SECRET_KEY: strong.refresh,
      }),
    ).toEqual([
      'ACCESS_TOKEN_SECRET_KEY must be at least 32 bytes in production (e.g. openssl rand -hex 32)',
    ]);
    // 16 characters of two bytes each.
    expect(
      productionSecretProblems({
        ACCESS_TOKEN_SECRET_KEY: strong.access,
        REFRESH_TOKEN_SECRET_KEY: 'é'.repeat(16),
      }),
    ).toEqual([]);
  });

  it('issued credentials keep their own length rules but may not be placeholders', () => {
    const tokens = {
      ACCESS_TOKEN_SECRET_KEY: strong.access,
      REFRESH_TOKEN_SECRET_KEY: strong.refresh,
    };
    expect(
      productionSecretProblems({
        ...tokens,
        RAZORPAY_KEY_SECRET: 'Zt3kQ9xLmP2vR8wY',
        METRICS_TOKEN: undefined,
      }),
    ).toEqual([]);
    expect(
      productionSecretProblems({
        ...tokens,
        ADMIN_PASSWORD: 'changeme1234',
        METRICS_TOKEN: 'your-metrics-token',
      }),
    ).toEqual([
      expect.stringMatching(/^METRICS_TOKEN is a placeholder/),
      expect.stringMatching(/^ADMIN_PASSWORD is a placeholder/),
    ]);
  });

  it('recognises the usual placeholders only', () => {
    for (const value of [
      'change-me',
      'CHANGE_ME_NOW',
      'replace-me',
      '<secret>',
      'xxxxxxxx',
      'your_secret',
    ]) {
      expect(isPlaceholder(value)).toBe(true);
    }
    for (const value of [strong.access, 'd41d8cd98f00b204e9800998ecf8427e', 'Zt3kQ9xLmP2vR8wY']) {
      expect(isPlaceholder(value)).toBe(false);
    }
  });
});
