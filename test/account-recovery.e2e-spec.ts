import { createHash } from 'node:crypto';
import request from 'supertest';
import { SessionCleanupModule } from '../src/modules/auth/session-cleanup.module';
import { SessionCleanupService } from '../src/modules/auth/session-cleanup.service';
import { MailModule } from '../src/modules/mail/mail.module';
import { ReceivedEmail, ResendStub } from './support/resend-stub';
import {
  letters,
  logIn,
  randomClientIp,
  signUp,
  STRONG_PASSWORD,
  UserSession,
} from './support/session';
import { createTestApp, TEST_FRONTEND_URL, TestApp } from './support/test-app';

const NEW_PASSWORD = 'N3w!Passw0rd';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** The token in the reset link of a captured email. */
function resetTokenFrom(email: ReceivedEmail): string {
  const match = /\/reset-password\?token=([0-9a-f]{64})/.exec(email.body.text);
  if (!match) throw new Error(`no reset link in: ${email.body.text}`);
  return match[1];
}

/**
 * Forgotten passwords end to end: the API, the mail processor consuming the real BullMQ queue
 * (in this process, the worker's MailModule) and a local server speaking Resend's API.
 */
describe('Account recovery: forgot → emailed link → reset', () => {
  const stub = new ResendStub();
  let t: TestApp;
  let counter = 0;

  beforeAll(async () => {
    await stub.start();
    t = await createTestApp({
      env: { RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: stub.url },
      // The worker's email processor and its hourly clean-up, in this process.
      imports: [MailModule, SessionCleanupModule],
    });
  });

  afterAll(async () => {
    await t.close();
    await stub.stop();
  });

  const anonymous = () => request(t.server);
  const forgot = (emailId: unknown, ip = randomClientIp()) =>
    anonymous().post('/auth/password/forgot').set('X-Forwarded-For', ip).send({ emailId });
  const reset = (body: object) =>
    anonymous().post('/auth/password/reset').set('X-Forwarded-For', randomClientIp()).send(body);

  async function newUser() {
    counter++;
    const emailId = `recover${letters(counter).toLowerCase()}.${Date.now()}@example.com`;
    const { user } = await signUp(t, { emailId, firstName: `Rita${letters(counter)}` });
    return { emailId, user };
  }

  /** Asks for a link and returns the token of the email that arrived with it. */
  async function linkFor(emailId: string): Promise<string> {
    const before = stub.delivered.length;
    await forgot(emailId).expect(200);
    const [email] = await stub.waitFor(
      (e) =>
        stub.delivered.indexOf(e) >= before &&
        e.recipients[0] === emailId &&
        e.body.subject === 'Reset your DevLink password',
    );
    return resetTokenFrom(email);
  }

  it('known and unknown addresses get the same answer; only the account is emailed a 30-minute link, stored hashed', async () => {
    const { emailId, user } = await newUser();
    const unknown = `nobody.${Date.now()}@example.com`;
    const known = await forgot(` ${emailId.toUpperCase()} `).expect(200);
    const stranger = await forgot(unknown).expect(200);
    expect(known.body).toEqual({
      success: true,
      message: 'If an account exists for this email, a password reset link has been sent.',
    });
    expect(stranger.body).toEqual(known.body);

    const [email] = await stub.waitFor(
      (e) => e.recipients[0] === emailId && e.body.subject === 'Reset your DevLink password',
    );
    expect(email.body.text).toContain(`${TEST_FRONTEND_URL}/reset-password?token=`);
    expect(email.body.html).toContain(`href="${TEST_FRONTEND_URL}/reset-password?token=`);
    const token = resetTokenFrom(email);

    const rows = await t.connection.collection('password_resets').find({}).toArray();
    const mine = rows.filter((row) => String(row.userId) === user._id);
    expect(mine).toHaveLength(1);
    expect(mine[0].tokenHash).toBe(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(mine[0].usedAt).toBeNull();
    const ttl = (mine[0].expiresAt as Date).getTime() - (mine[0].createdAt as Date).getTime();
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000);
    // Nothing was stored or sent for the unknown address.
    expect(rows.every((row) => row.userId)).toBe(true);
    expect(stub.delivered.filter((e) => e.recipients[0] === unknown)).toEqual([]);
  });

  it('the link sets a new password once: the old one fails, the new one works, every session ends, a notice is emailed', async () => {
    const { emailId } = await newUser();
    const laptop = await logIn(t, emailId);
    const phone = await logIn(t, emailId);
    await laptop.get('/profile').expect(200);
    const token = await linkFor(emailId);

    const done = await reset({ token, password: NEW_PASSWORD }).expect(200);
    expect(done.body).toEqual({ success: true, message: 'Password reset successfully' });
    expect(done.headers['set-cookie']).toBeUndefined();

    // Every earlier session is over at once: access tokens and refresh tokens.
    for (const session of [laptop, phone]) {
      const refused = await session.get('/profile').expect(401);
      expect(refused.body).toMatchObject({
        message: 'Invalid or expired access token',
        code: 'AUTH_ACCESS_TOKEN_INVALID',
      });
      expect((await session.refresh()).status).toBe(401);
    }
    const revoked = await t.connection
      .collection('sessions')
      .find({ userId: (await t.connection.collection('users').findOne({ emailId }))!._id })
      .toArray();
    expect(revoked.map((s) => s.revokedReason)).toEqual(['password-reset', 'password-reset']);

    const old = await anonymous()
      .post('/auth/login')
      .set('X-Forwarded-For', randomClientIp())
      .send({ emailId, password: STRONG_PASSWORD })
      .expect(400);
    expect(old.body.code).toBe('AUTH_INVALID_CREDENTIALS');
    const fresh: UserSession = await logIn(t, emailId, NEW_PASSWORD);
    await fresh.get('/profile').expect(200);

    const [notice] = await stub.waitFor(
      (e) => e.recipients[0] === emailId && e.body.subject === 'Your DevLink password was changed',
    );
    expect(notice.body.text).toContain(`${TEST_FRONTEND_URL}/forgot-password`);

    // Used: refused, and the new password is untouched.
    const again = await reset({ token, password: 'An0ther!pass' }).expect(400);
    expect(again.body).toEqual({
      success: false,
      message: 'Invalid or expired password reset link',
      code: 'AUTH_RESET_LINK_INVALID',
    });
    await fresh.get('/profile').expect(200);
    await logIn(t, emailId, NEW_PASSWORD);
  });

  it('an expired or unknown token is refused with 400 and changes nothing', async () => {
    const { emailId } = await newUser();
    const token = await linkFor(emailId);
    await t.connection
      .collection('password_resets')
      .updateOne({ tokenHash: sha256(token) }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    const expired = await reset({ token, password: NEW_PASSWORD }).expect(400);
    expect(expired.body.code).toBe('AUTH_RESET_LINK_INVALID');
    const unknown = await reset({ token: 'ab'.repeat(32), password: NEW_PASSWORD }).expect(400);
    expect(unknown.body).toEqual(expired.body);
    for (const bad of [{ password: NEW_PASSWORD }, { token: 12, password: NEW_PASSWORD }]) {
      expect((await reset(bad).expect(400)).body.code).toBe('AUTH_RESET_LINK_INVALID');
    }
    await logIn(t, emailId); // the old password still works
  });

  it("the worker's hourly clean-up deletes expired links, used or not, and keeps live ones", async () => {
    const { emailId } = await newUser();
    const live = await linkFor(emailId);
    const stale = await linkFor(emailId);
    const resets = t.connection.collection('password_resets');
    await resets.updateOne(
      { tokenHash: sha256(stale) },
      { $set: { expiresAt: new Date(Date.now() - 1) } },
    );
    await t.app.get(SessionCleanupService).sweep();
    expect(await resets.countDocuments({ tokenHash: sha256(stale) })).toBe(0);
    expect(await resets.countDocuments({ tokenHash: sha256(live) })).toBe(1);
    await reset({ token: live, password: NEW_PASSWORD }).expect(200);
  });

  it('a newer link retires nothing, but a reset retires every other outstanding link', async () => {
    const { emailId } = await newUser();
    const first = await linkFor(emailId);
    const second = await linkFor(emailId);
    await reset({ token: second, password: NEW_PASSWORD }).expect(200);
    expect((await reset({ token: first, password: 'An0ther!pass' }).expect(400)).body.code).toBe(
      'AUTH_RESET_LINK_INVALID',
    );
    await logIn(t, emailId, NEW_PASSWORD);
  });

  it('the new password follows the signup rules, and a refused one leaves the link usable', async () => {
    const { emailId } = await newUser();
    const token = await linkFor(emailId);
    const weak = await reset({ token, password: 'weakpass' }).expect(400);
    expect(weak.body.message).toMatch(/^password is too weak/);
    expect(weak.body.code).toBe('VALIDATION_FAILED');
    const long = await reset({ token, password: `Aa1!${'x'.repeat(80)}` }).expect(400);
    expect(long.body.code).toBe('VALIDATION_FAILED');
    await reset({ token, password: NEW_PASSWORD }).expect(200);
  });

  it('unknown fields are refused on both routes', async () => {
    const extra = await anonymous()
      .post('/auth/password/forgot')
      .set('X-Forwarded-For', randomClientIp())
      .send({ emailId: 'someone@example.com', admin: true })
      .expect(400);
    expect(extra.body.success).toBe(false);
    await reset({ token: 'ab'.repeat(32), password: NEW_PASSWORD, userId: 'x' }).expect(400);
    expect((await forgot('not-an-email').expect(400)).body.message).toBe('Invalid Email');
    expect((await forgot(42).expect(400)).body.message).toBe('emailId must be a string');
  });

  it('is rate limited per address (known or not, whatever the IP) and per IP', async () => {
    const { emailId } = await newUser();
    for (const address of [emailId, `ghost.${Date.now()}@example.com`]) {
      for (let i = 0; i < 3; i++) await forgot(address).expect(200);
      const limited = await forgot(address).expect(429);
      expect(limited.body).toMatchObject({ success: false, code: 'RATE_LIMITED_ATTEMPTS' });
      expect(limited.body.retryAfter).toBeGreaterThanOrEqual(1);
    }
    const ip = randomClientIp();
    for (let i = 0; i < 10; i++) await forgot(`flood${letters(i)}@example.com`, ip).expect(200);
    const flood = await forgot('flood.last@example.com', ip).expect(429);
    expect(flood.body.code).toBe('RATE_LIMITED_ATTEMPTS');
    expect(flood.headers['retry-after']).toBeDefined();
  });
});
