import request from 'supertest';
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

  const login = (t: TestApp, ip: string) =>
    request(t.server)
      .post('/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ emailId: 'nobody@example.com', password: 'x' });

  it('login: 10 per 15 minutes per IP across instances; the 11th is refused with the retry time', async () => {
    const ip = '203.0.113.10';
    for (let i = 0; i < 10; i++) {
      const res = await login(i % 2 === 0 ? a : b, ip);
      expect(res.status).toBe(400);
      expect(res.headers['ratelimit-limit']).toBe('10');
      expect(res.headers['ratelimit-remaining']).toBe(String(9 - i));
    }
    const before = Date.now();
    const refused = await login(b, ip).expect(429);
    expect(refused.body).toMatchObject({
      success: false,
      message: 'Too many attempts. Try again in 15 minute(s)',
      retryAfter: 15,
    });
    expect(refused.body.retryAfterSeconds).toBeGreaterThan(890);
    expect(refused.body.retryAfterSeconds).toBeLessThanOrEqual(900);
    const retryAt = Date.parse(refused.body.retryAt);
    expect(retryAt - before).toBeGreaterThan(889_000);
    expect(refused.headers['retry-after']).toBe(String(refused.body.retryAfterSeconds));
    expect(refused.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(refused.headers['x-ratelimit-limit']).toBeUndefined();

    // Other clients and the separate signup bucket are unaffected.
    await login(a, '203.0.113.11').expect(400);
    const signup = await request(a.server)
      .post('/auth/signup')
      .set('X-Forwarded-For', ip)
      .send({})
      .expect(400);
    expect(signup.headers['ratelimit-remaining']).toBe('9');
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
      retryAfter: 5,
    });
  });

  it('unlimited routes carry no rate-limit headers', async () => {
    const res = await request(a.server).get('/health').expect(200);
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });
});
