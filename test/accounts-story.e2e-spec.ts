import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { EMAIL_QUEUE } from '../src/modules/mail/mail.constants';
import { ResendStub, verificationTokenFrom } from './support/resend-stub';
import {
  cookiesFrom,
  randomClientIp,
  setCookieLine,
  STRONG_PASSWORD,
  UserSession,
} from './support/session';
import { spawnEntry, SpawnedProcess } from './support/spawn';
import { createTestApp, testEnvironment, TestApp, uniqueNamespace } from './support/test-app';

/**
 * The SPA's first-run flow end to end: API + a real worker process + a local server speaking
 * Resend's API, against the real database and Redis.
 */
describe('Accounts story: signup → verify → welcome → login → onboarding → refresh → logout', () => {
  const namespace = uniqueNamespace('story');
  const stub = new ResendStub();
  let t: TestApp;
  let worker: SpawnedProcess;

  beforeAll(async () => {
    await stub.start();
    const mailEnv = {
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: stub.url,
      FROM_EMAIL: 'DevLink <noreply@devlink.test>',
    };
    t = await createTestApp({ namespace, env: mailEnv });
    worker = spawnEntry(
      'src/main.worker.ts',
      testEnvironment(namespace, { ...mailEnv, LOG_LEVEL: 'info' }),
    );
    await worker.waitForOutput(/Worker ready/);
  });

  afterAll(async () => {
    worker.child.kill('SIGTERM');
    await worker.exited;
    await t.close();
    await stub.stop();
  });

  it('walks the whole first-run flow', async () => {
    const emailId = 'Asha.Rao@Example.com ';
    // 1. signup: 201, self view, no cookies; the email is stored normalised.
    const signup = await request(t.server)
      .post('/auth/signup')
      .send({ firstName: 'Asha', lastName: 'Rao', emailId, password: STRONG_PASSWORD })
      .expect(201);
    expect(signup.body.message).toBe('Account created. Check your email for verification.');
    expect(signup.body.data).toMatchObject({
      emailId: 'asha.rao@example.com',
      emailVerified: false,
      onboardingComplete: false,
    });
    expect(signup.body.data).not.toHaveProperty('password');
    expect(signup.body.data).not.toHaveProperty('emailVerifyToken');
    expect(signup.headers['set-cookie']).toBeUndefined();

    // 2. the worker delivered the verification email through the Resend SDK to the stub.
    const [verification] = await stub.waitFor(
      (e) => e.body.subject === 'Verify your DevLink email',
    );
    expect(verification.recipients).toEqual(['asha.rao@example.com']);
    expect(verification.body.from).toBe('DevLink <noreply@devlink.test>');
    expect(verification.authorization).toBe('Bearer re_test_key');
    expect(verification.body.html).toContain('Hi Asha,');
    expect(verification.body.text).toContain('http://localhost:5173/verify-email?token=');

    // Unverified + correct password → 403; the link has not been followed yet.
    const early = await request(t.server)
      .post('/auth/login')
      .send({ emailId, password: STRONG_PASSWORD })
      .expect(403);
    expect(early.body.message).toBe('Please verify your email before logging in');

    // 3. following the link verifies once; a second click is refused.
    const token = verificationTokenFrom(verification);
    const verified = await request(t.server).get(`/auth/verify-email?token=${token}`).expect(200);
    expect(verified.body).toEqual({ success: true, message: 'Email verified successfully' });
    const again = await request(t.server).get(`/auth/verify-email?token=${token}`).expect(400);
    expect(again.body.message).toBe('Invalid or expired verification link');
    const stored = await t.connection
      .collection('users')
      .findOne({ emailId: 'asha.rao@example.com' });
    expect(stored).toMatchObject({ emailVerified: true });
    expect(stored).not.toHaveProperty('emailVerifyToken');

    // 4. the welcome email arrives.
    const [welcome] = await stub.waitFor((e) => e.body.subject === 'Welcome to DevLink 🎉');
    expect(welcome.body.text).toContain('http://localhost:5173/login');

    // 5. login (mixed-case email) sets both httpOnly cookies with the configured lifetimes.
    const login = await request(t.server)
      .post('/auth/login')
      .send({ emailId: ' ASHA.RAO@example.com', password: STRONG_PASSWORD })
      .expect(200);
    expect(login.body.message).toBe('Login Successful');
    expect(login.body.data.emailVerified).toBe(true);
    expect(setCookieLine(login, 'accessToken')).toMatch(
      /Max-Age=900; Path=\/; .*HttpOnly; Secure; SameSite=Strict/,
    );
    expect(setCookieLine(login, 'refreshToken')).toMatch(
      /Max-Age=2592000; Path=\/auth; .*HttpOnly; Secure; SameSite=Strict/,
    );
    const cookies = cookiesFrom(login);
    const session = new UserSession(
      t.server,
      cookies.accessToken,
      cookies.refreshToken,
      login.body.data,
    );

    // 6. GET /profile restores the session.
    const profile = await session.get('/profile').expect(200);
    expect(profile.body.data).toMatchObject({
      _id: session.id,
      firstName: 'Asha',
      onboardingComplete: false,
    });

    // 7. onboarding.
    await session.patch('/profile/edit', { skills: ['React', 'Go'], photoUrl: '' }).expect(200);
    const onboarded = await session.post('/profile/onboarding/complete').expect(200);
    expect(onboarded.body.data).toMatchObject({
      onboardingComplete: true,
      skills: ['React', 'Go'],
    });

    // 8. refresh rotates both tokens.
    // The refresh token carries its generation, so it differs even within the same second; the
    // access token is re-issued (identical claims within one second, so not compared).
    const before = { refresh: session.refreshToken };
    const refreshed = await session.refresh();
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ success: true, message: 'Token refreshed' });
    expect(session.refreshToken).not.toBe(before.refresh);
    await session.get('/profile').expect(200);

    // 9. logout revokes server-side: the old cookies are now useless.
    const logout = await request(t.server)
      .post('/auth/logout')
      .set('Cookie', session.cookieHeader('both'))
      .expect(200);
    expect(logout.body).toEqual({ success: true, message: 'Logout successful' });
    expect(setCookieLine(logout, 'accessToken')).toMatch(
      /Expires=Thu, 01 Jan 1970.*HttpOnly; Secure; SameSite=Strict/,
    );
    expect(setCookieLine(logout, 'refreshToken')).toMatch(/Path=\/auth;.*Expires=Thu, 01 Jan 1970/);
    const denied = await session.get('/profile').expect(401);
    expect(denied.body.message).toBe('Invalid or expired access token');
    const noRefresh = await session.refresh();
    expect(noRefresh.status).toBe(401);
    expect(noRefresh.body.message).toBe('Invalid refresh token');

    // Exactly one verification and one welcome email were sent.
    expect(stub.delivered.map((e) => e.body.subject).sort()).toEqual([
      'Verify your DevLink email',
      'Welcome to DevLink 🎉',
    ]);
  });

  it('resend-verification issues a new link (old one dies) and answers the same for anyone', async () => {
    await request(t.server)
      .post('/auth/signup')
      .send({
        firstName: 'Ravi',
        lastName: 'Iyer',
        emailId: 'ravi@example.com',
        password: STRONG_PASSWORD,
      })
      .expect(201);
    const [first] = await stub.waitFor((e) => e.recipients[0] === 'ravi@example.com');
    const generic = {
      success: true,
      message: 'If an account exists, a verification email has been sent.',
    };
    const res = await request(t.server)
      .post('/auth/resend-verification')
      .send({ emailId: ' RAVI@example.com' })
      .expect(200);
    expect(res.body).toEqual(generic);
    const both = await stub.waitFor((e) => e.recipients[0] === 'ravi@example.com', 2);
    expect(verificationTokenFrom(both[1])).not.toBe(verificationTokenFrom(first));
    await request(t.server)
      .get(`/auth/verify-email?token=${verificationTokenFrom(first)}`)
      .expect(400);
    await request(t.server)
      .get(`/auth/verify-email?token=${verificationTokenFrom(both[1])}`)
      .expect(200);

    // Unknown, verified, missing and null addresses: same 200, nothing sent.
    const isVerification = (e: { body: { subject: string } }) =>
      e.body.subject === 'Verify your DevLink email';
    const verificationsBefore = stub.delivered.filter(isVerification).length;
    // Counted where a send would start: no job is added to the queue (one atomic count of every
    // state, so jobs moving between states meanwhile do not change the sum).
    const queue = t.app.get<Queue>(getQueueToken(EMAIL_QUEUE));
    const everyState = [
      'waiting',
      'delayed',
      'active',
      'prioritized',
      'completed',
      'failed',
    ] as const;
    const jobs = async () =>
      Object.values(await queue.getJobCounts(...everyState)).reduce((sum, n) => sum + n, 0);
    const jobsBefore = await jobs();
    for (const body of [
      { emailId: 'nobody@example.com' },
      { emailId: 'ravi@example.com' },
      {},
      { emailId: null },
    ]) {
      const res = await request(t.server)
        .post('/auth/resend-verification')
        .set('X-Forwarded-For', randomClientIp())
        .send(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(generic);
    }
    const noBody = await request(t.server)
      .post('/auth/resend-verification')
      .set('X-Forwarded-For', randomClientIp());
    expect(noBody.body).toEqual(generic);
    expect(await jobs()).toBe(jobsBefore);
    expect(stub.delivered.filter(isVerification).length).toBe(verificationsBefore);
  });
});
