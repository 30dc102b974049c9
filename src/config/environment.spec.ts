import { loadConfig } from './app-config';
import { ConfigValidationError, validateEnvironment } from './environment';

const base = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017',
  ACCESS_TOKEN_SECRET_KEY: 'a'.repeat(32),
  REFRESH_TOKEN_SECRET_KEY: 'b'.repeat(32),
};

function problemsOf(raw: Record<string, string | undefined>): string[] {
  try {
    validateEnvironment(raw);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
}

describe('environment validation', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config.port).toBe(3000);
    expect(config.frontendUrl).toBe('http://localhost:5173');
    expect(config.auth.accessTtlMs).toBe(15 * 60_000);
    expect(config.auth.refreshTtlMs).toBe(30 * 86_400_000);
    expect(config.auth.cookieSecure).toBe(true);
    expect(config.auth.refreshCookiePath).toBe('/auth');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.paymentsConfigured).toBe(false);
    expect(config.mailViaResend).toBe(false);
    expect(config.mail.from).toBe('noreply@linkdev.online');
    expect(config.publicApiUrl).toBe('http://localhost:3000');
    expect(config.missedMessages).toEqual({ delayMs: 15 * 60_000, cooldownMs: 6 * 3_600_000 });
  });

  it('the public API URL follows PORT and GLOBAL_PREFIX unless it is set', () => {
    expect(loadConfig({ ...base, PORT: '8080', GLOBAL_PREFIX: 'api' }).publicApiUrl).toBe(
      'http://localhost:8080/api',
    );
    expect(loadConfig({ ...base, PUBLIC_API_URL: 'https://api.test' }).publicApiUrl).toBe(
      'https://api.test',
    );
    expect(problemsOf({ ...base, PUBLIC_API_URL: 'https://api.test/' })[0]).toMatch(
      /^PUBLIC_API_URL/,
    );
  });

  it('treats an empty variable as unset, so its default applies', () => {
    const config = loadConfig({ ...base, PORT: '', BCRYPT_COST: '', REDIS_KEY_PREFIX: '' });
    expect(config.port).toBe(3000);
    expect(config.auth.bcryptCost).toBe(11);
    expect(config.redis.keyPrefix).toBe('devlink');
  });

  it('trusts no proxy unless TRUST_PROXY_HOPS says so (X-Forwarded-For is client-controlled)', () => {
    expect(loadConfig(base).trustProxyHops).toBe(0);
    expect(loadConfig({ ...base, TRUST_PROXY_HOPS: '' }).trustProxyHops).toBe(0);
    expect(loadConfig({ ...base, TRUST_PROXY_HOPS: undefined }).trustProxyHops).toBe(0);
    expect(loadConfig({ ...base, TRUST_PROXY_HOPS: '2' }).trustProxyHops).toBe(2);
    expect(problemsOf({ ...base, TRUST_PROXY_HOPS: '-1' })[0]).toMatch(/^TRUST_PROXY_HOPS: /);
    expect(problemsOf({ ...base, TRUST_PROXY_HOPS: 'yes' })[0]).toMatch(/^TRUST_PROXY_HOPS: /);
  });

  it('names every missing required variable', () => {
    expect(problemsOf({})).toEqual(
      expect.arrayContaining([
        'MONGODB_URI is required but missing',
        'ACCESS_TOKEN_SECRET_KEY is required but missing',
        'REFRESH_TOKEN_SECRET_KEY is required but missing',
      ]),
    );
  });

  it('rejects malformed values with the variable name', () => {
    expect(problemsOf({ ...base, PORT: 'abc' })[0]).toMatch(/^PORT: /);
    expect(problemsOf({ ...base, ACCESS_TOKEN_EXPIRY: 'soon' })).toEqual([
      'ACCESS_TOKEN_EXPIRY: ACCESS_TOKEN_EXPIRY must look like 15m, 900s or 1h',
    ]);
    expect(problemsOf({ ...base, FRONTEND_URL: 'http://x.test/' })[0]).toMatch(/FRONTEND_URL/);
    expect(problemsOf({ ...base, REDIS_URL: 'localhost:6379' })[0]).toMatch(/^REDIS_URL/);
    expect(problemsOf({ ...base, COOKIE_SAME_SITE: 'sometimes' })[0]).toMatch(/^COOKIE_SAME_SITE/);
  });

  it('requires FRONTEND_URL in production and distinct token secrets', () => {
    expect(problemsOf({ ...base, NODE_ENV: 'production' })).toContain(
      'FRONTEND_URL is required in production (the SPA origin, used for CORS)',
    );
    expect(
      problemsOf({ ...base, REFRESH_TOKEN_SECRET_KEY: base.ACCESS_TOKEN_SECRET_KEY }),
    ).toContain('REFRESH_TOKEN_SECRET_KEY must differ from ACCESS_TOKEN_SECRET_KEY');
  });

  it('refuses placeholder or short token secrets in production, naming the variable', () => {
    const production = { ...base, NODE_ENV: 'production', FRONTEND_URL: 'https://app.test' };
    expect(problemsOf(production)).toEqual([]);
    expect(
      problemsOf({
        ...production,
        ACCESS_TOKEN_SECRET_KEY: 'change-me-access-secret-at-least-32-chars',
        REFRESH_TOKEN_SECRET_KEY: 'r'.repeat(20),
      }),
    ).toEqual([
      'ACCESS_TOKEN_SECRET_KEY is a placeholder; in production set a secret of your own (e.g. openssl rand -hex 32)',
      'REFRESH_TOKEN_SECRET_KEY must be at least 32 bytes in production (e.g. openssl rand -hex 32)',
    ]);
    // Development and tests keep the 16-character minimum.
    expect(problemsOf({ ...base, REFRESH_TOKEN_SECRET_KEY: 'r'.repeat(20) })).toEqual([]);
  });

  it('parses booleans, numbers and Redis host/port', () => {
    const config = loadConfig({
      ...base,
      COOKIE_SECURE: 'false',
      PORT: '8080',
      REDIS_HOST: 'redis',
      REDIS_PORT: '6380',
      RAZORPAY_KEY_ID: 'rzp_test',
      RAZORPAY_KEY_SECRET: 'secret',
    });
    expect(config.auth.cookieSecure).toBe(false);
    expect(config.port).toBe(8080);
    expect(config.redis.url).toBe('redis://redis:6380');
    expect(config.paymentsConfigured).toBe(true);
  });

  it('operations: off by default; the dashboard needs both credentials, secrets a minimum length', () => {
    const config = loadConfig(base);
    expect(config.ops).toEqual({
      metricsToken: undefined,
      queueDashboard: undefined,
      workerHealthPort: 3001,
      workerHealthHost: '127.0.0.1',
    });
    const on = loadConfig({
      ...base,
      METRICS_TOKEN: 'm'.repeat(16),
      ADMIN_USER: 'ops',
      ADMIN_PASSWORD: 'p'.repeat(12),
      WORKER_HEALTH_PORT: '0',
      WORKER_HEALTH_HOST: '0.0.0.0',
    });
    expect(on.ops).toEqual({
      metricsToken: 'm'.repeat(16),
      queueDashboard: { user: 'ops', password: 'p'.repeat(12) },
      workerHealthPort: 0,
      workerHealthHost: '0.0.0.0',
    });
    const together = 'ADMIN_USER and ADMIN_PASSWORD must be set together (or both left unset)';
    expect(problemsOf({ ...base, ADMIN_USER: 'ops' })).toEqual([together]);
    expect(problemsOf({ ...base, ADMIN_PASSWORD: 'p'.repeat(12) })).toEqual([together]);
    expect(problemsOf({ ...base, ADMIN_USER: 'ops', ADMIN_PASSWORD: 'short' })).toEqual([
      'ADMIN_PASSWORD: ADMIN_PASSWORD must be at least 12 characters',
    ]);
    expect(problemsOf({ ...base, METRICS_TOKEN: 'short' })).toEqual([
      'METRICS_TOKEN: METRICS_TOKEN must be at least 16 characters',
    ]);
    expect(problemsOf({ ...base, WORKER_HEALTH_HOST: 'everywhere' })).toEqual([
      'WORKER_HEALTH_HOST: WORKER_HEALTH_HOST must be an IP address (e.g. 127.0.0.1 or 0.0.0.0)',
    ]);
    expect(problemsOf({ ...base, WORKER_HEALTH_PORT: '70000' })[0]).toMatch(
      /^WORKER_HEALTH_PORT: /,
    );
  });
});
