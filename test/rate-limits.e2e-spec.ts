import Redis from 'ioredis';
import request, { Response } from 'supertest';
import { signUp, STRONG_PASSWORD } from './support/session';
import { createTestApp, TestApp, uniqueNamespace } from './support/test-app';

/** Two API instances sharing one Redis namespace, as two replicas behind a load balancer. */
describe('Rate limits shared through Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const namespace = uniqueNamespace('ratelimit');
    a = await createTestApp({ namespace, keepData: true });
    b = await createTestApp({ namespace });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
  });

  const login = (t: TestApp, ip: string, emailId: string, password: string) =>
    request(t.server).post('/auth/login').set('X-Forwarded-For', ip).send({ emailId, password });
  const wrong = (t: TestApp, ip: string, emailId: string) => login(t, ip, emailId, 'Wr0ng!pass');
  const right = (t: TestApp, ip: string, emailId: string) => login(t, ip, emailId, STRONG_PASSWORD);
  /** A verified account, signed up from an address of its own. */
  const account = async () => (await signUp(a)).body.emailId;
  let ipCounter = 0;
  /** A fresh client address, never used by another test here. */
  const newIp = () => `198.51.${100 + Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;

  const expectRefused = (res: Response, before: number) => {
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({
      success: false,
      message: `Too many attempts. Try again in ${res.body.retryAfter} minute(s)`,
      code: 'RATE_LIMITED_ATTEMPTS',
    });
    expect(res.body.retryAfter).toBeGreaterThanOrEqual(1);
    expect(res.body.retryAfter).toBeLessThanOrEqual(15);
    expect(res.body.retryAfterSeconds).toBeGreaterThan(0);
    expect(res.body.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(res.headers['retry-after']).toBe(String(res.body.retryAfterSeconds));
    expect(Date.parse(res.body.retryAt)).toBeGreaterThan(before);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  };

  it('login: one shared address, many users logging in correctly, is not held until 100 attempts', async () => {
    const office = '203.0.113.10';
    const users = await Promise.all([account(), account(), account(), account()]);
    // 100 correct logins from one address (the old limit refused the 11th), on both instances.
    for (let round = 0; round < 25; round++) {
      const answers = await Promise.all(
        users.map((emailId, i) => right((round + i) % 2 === 0 ? a : b, office, emailId)),
      );
      expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200]);
    }
    // The flood ceiling: the 101st attempt from the address, correct or not.
    const before = Date.now();
    const refused = await right(b, office, users[0]);
    expectRefused(refused, before);
    expect(refused.headers['ratelimit-limit']).toBe('100');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    // Other addresses and the separate signup limit are unaffected.
    await right(a, newIp(), users[0]).expect(200);
    const signup = await request(a.server)
      .post('/auth/signup')
      .set('X-Forwarded-For', office)
      .send({})
      .expect(400);
    expect(signup.headers['ratelimit-remaining']).toBe('9');
  }, 120_000); // 104 bcrypt hashes and compares: slow on a loaded 2-core machine

  it('login: one account guessed from many addresses is held after 10 failures, exactly like an unknown email', async () => {
    const existing = await account();
    const unknown = `nobody.${Date.now()}@example.com`;
    const story = async (emailId: string) => {
      const answers: Response[] = [];
      for (let i = 0; i < 10; i++) answers.push(await wrong(i % 2 ? a : b, newIp(), emailId));
      answers.push(await wrong(a, newIp(), emailId));
      answers.push(await right(b, newIp(), emailId)); // even the right password waits
      return answers;
    };
    const before = Date.now();
    for (const answers of [await story(existing), await story(unknown)]) {
      expect(answers.map((res) => res.status)).toEqual([...Array(10).fill(400), 429, 429]);
      for (const res of answers.slice(0, 10)) {
        expect(res.body).toEqual({
          success: false,
          message: 'Invalid Credentials',
          code: 'AUTH_INVALID_CREDENTIALS',
        });
      }
      for (const res of answers.slice(10)) expectRefused(res, before);
    }
    // Email case and spaces do not make a new account to guess.
    expectRefused(await wrong(a, newIp(), `  ${existing.toUpperCase()} `), before);
  });

  it('login: a correct password resets the account count', async () => {
    const emailId = await account();
    for (let i = 0; i < 9; i++) await wrong(a, newIp(), emailId).expect(400);
    await right(b, newIp(), emailId).expect(200);
    for (let i = 0; i < 10; i++) await wrong(i % 2 ? a : b, newIp(), emailId).expect(400);
    expectRefused(await wrong(a, newIp(), emailId), Date.now());
  });

  it('login: addresses that logged into the account within 30 days still get in while it is held', async () => {
    const emailId = await account();
    const home = newIp();
    await right(a, home, emailId).expect(200);
    for (let i = 0; i < 10; i++) await wrong(b, newIp(), emailId).expect(400);
    expectRefused(await right(a, newIp(), emailId), Date.now());
    // From home a typo is still just a wrong password, and the right one gets in.
    await wrong(b, home, emailId).expect(400);
    await right(a, home, emailId).expect(200);
    // That success reset the account: a new device may log in again.
    await right(b, newIp(), emailId).expect(200);
  });

  it('login: 20 failures per address, whatever the emails; the address is then held even for a right password', async () => {
    const ip = '203.0.113.30';
    const emailId = await account();
    for (let i = 0; i < 20; i++) {
      await wrong(i % 2 ? a : b, ip, `guess${i}.${Date.now()}@example.com`).expect(400);
    }
    const before = Date.now();
    expectRefused(await wrong(a, ip, `guess20.${Date.now()}@example.com`), before);
    expectRefused(await right(b, ip, emailId), before);
    // Those refusals checked no password: the account is not charged, other addresses are fine.
    await right(a, newIp(), emailId).expect(200);
  });

  it('login counters live under the app key prefix, expire, and hold no email address', async () => {
    const emailId = await account();
    await wrong(a, newIp(), emailId).expect(400);
    await right(b, newIp(), emailId).expect(200);
    const redis = new Redis(a.config.redis.url);
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(
          cursor,
          'MATCH',
          `${a.config.redis.keyPrefix}:login:*`,
          'COUNT',
          1000,
        );
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).not.toContain('@');
        expect(await redis.pttl(key)).toBeGreaterThan(0);
      }
      expect(keys.some((key) => key.includes(':login:known:'))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('resend-verification: 3 per 5 minutes, with the contract message', async () => {
    const ip = '203.0.113.20';
    for (let i = 0; i < 3; i++) {
      await request(i === 1 ? b.server : a.server)
        .post('/auth/resend-verification')
        .set('X-Forwarded-For', ip)
        .expect(200);
    }
    const refused = await request(b.server)
      .post('/auth/resend-verification')
      .set('X-Forwarded-For', ip)
      .expect(429);
    expect(refused.body).toMatchObject({
      success: false,
      message: 'Too many verification email request. Please wait a few minutes',
      code: 'RATE_LIMITED_VERIFICATION_EMAIL',
      retryAfter: 5,
    });
  });

  it('unlimited routes carry no rate-limit headers', async () => {
    const res = await request(a.server).get('/health').expect(200);
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });
});
