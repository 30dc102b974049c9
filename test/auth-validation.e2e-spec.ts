import request from 'supertest';
import { randomClientIp, signUp, STRONG_PASSWORD } from './support/session';
import { createTestApp, TestApp } from './support/test-app';

/** Every auth route's bad inputs: 4xx with one clear message, nothing stored, nothing 500s. */
describe('Auth input validation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, body?: unknown) => {
    const req = request(t.server).post(path).set('X-Forwarded-For', randomClientIp());
    return body === undefined ? req : req.send(body as object);
  };

  const valid = {
    firstName: 'Meera',
    lastName: 'Nair',
    emailId: 'meera@example.com',
    password: STRONG_PASSWORD,
  };

  it.each([
    ['missing body', undefined, 'firstName is required', 'VALIDATION_FAILED'],
    [
      'empty first name',
      { ...valid, firstName: '' },
      'firstName cannot be empty',
      'VALIDATION_FAILED',
    ],
    [
      'blank first name',
      { ...valid, firstName: '   ' },
      'firstName cannot be empty',
      'VALIDATION_FAILED',
    ],
    [
      'last name with a line break',
      { ...valid, lastName: 'Nair\r\nBcc: x@example.com' },
      'lastName must not contain control characters, line breaks or text-direction characters',
      'VALIDATION_FAILED',
    ],
    [
      'long first name',
      { ...valid, firstName: 'A'.repeat(51) },
      'firstName must be at most 50 characters',
      'VALIDATION_FAILED',
    ],
    [
      'numeric first name',
      { ...valid, firstName: 1234 },
      'firstName must be a string',
      'VALIDATION_FAILED',
    ],
    ['bad email', { ...valid, emailId: 'not-an-email' }, 'Invalid Email', 'VALIDATION_FAILED'],
    [
      'over-long email',
      { ...valid, emailId: `${'a'.repeat(250)}@example.com` },
      'Invalid Email',
      'VALIDATION_FAILED',
    ],
    [
      'email as object',
      { ...valid, emailId: { $ne: null } },
      'Field names may not start with "$" (got "$ne")',
      'INPUT_OPERATOR_KEY',
    ],
    [
      'email as array',
      { ...valid, emailId: ['a@example.com'] },
      'emailId must be a string',
      'VALIDATION_FAILED',
    ],
    [
      'weak password',
      { ...valid, password: 'password1' },
      'password is too weak: use at least 8 characters (at most 72 bytes) with a lowercase letter (a-z), an uppercase letter (A-Z), a digit (0-9) and a symbol such as ! @ # $ % & * ?',
      'VALIDATION_FAILED',
    ],
    [
      'over-long password',
      { ...valid, password: `Aa1!${'x'.repeat(80)}` },
      'password must be at most 72 bytes (UTF-8): accented letters take 2 bytes and most emoji 4',
      'VALIDATION_FAILED',
    ],
    [
      'password as number',
      { ...valid, password: 12345678 },
      'password must be a string',
      'VALIDATION_FAILED',
    ],
    [
      'unknown field',
      { ...valid, membershipType: 'ELITE' },
      'property membershipType should not exist',
      'VALIDATION_FAILED',
    ],
  ])('signup: %s → 400', async (_name, body, message, code) => {
    const res = await post('/auth/signup', body).expect(400);
    expect(res.body).toEqual({ success: false, message, code });
    expect(await t.connection.collection('users').countDocuments({})).toBe(0);
  });

  it('signup: duplicate email (any case) → 409, one account', async () => {
    await post('/auth/signup', valid).expect(201);
    const res = await post('/auth/signup', { ...valid, emailId: 'MEERA@example.com' }).expect(409);
    expect(res.body).toEqual({
      success: false,
      message:
        'An account with this email already exists. Log in instead, or sign up with another email.',
      code: 'EMAIL_ALREADY_REGISTERED',
    });
    expect(
      await t.connection.collection('users').countDocuments({ emailId: 'meera@example.com' }),
    ).toBe(1);
    const stored = await t.connection.collection('users').findOne({ emailId: 'meera@example.com' });
    expect(stored!.password).toMatch(/^\$2b\$10\$/); // bcrypt, never the plain text
  });

  it.each([
    ['missing body', undefined, 'emailId is required', 'VALIDATION_FAILED'],
    [
      'operator in email',
      { emailId: { $ne: null }, password: 'x' },
      'Field names may not start with "$" (got "$ne")',
      'INPUT_OPERATOR_KEY',
    ],
    [
      'operator in password',
      { emailId: 'a@b.co', password: { $gt: '' } },
      'Field names may not start with "$" (got "$gt")',
      'INPUT_OPERATOR_KEY',
    ],
    [
      'number email',
      { emailId: 5, password: 'x' },
      'emailId must be a string',
      'VALIDATION_FAILED',
    ],
    [
      'empty password',
      { emailId: 'a@b.co', password: '' },
      'password is required',
      'VALIDATION_FAILED',
    ],
    [
      'unknown field',
      { emailId: 'a@b.co', password: 'x', remember: true },
      'property remember should not exist',
      'VALIDATION_FAILED',
    ],
  ])('login: %s → 400', async (_name, body, message, code) => {
    const res = await post('/auth/login', body).expect(400);
    expect(res.body).toEqual({ success: false, message, code });
  });

  it('login: unknown email and wrong password give the same answer; unverified needs the right password', async () => {
    const { body } = await signUp(t, { verified: false });
    const unknown = await post('/auth/login', {
      emailId: 'ghost@example.com',
      password: STRONG_PASSWORD,
    }).expect(400);
    const wrong = await post('/auth/login', {
      emailId: body.emailId,
      password: 'Wr0ng!pass',
    }).expect(400);
    expect(unknown.body).toEqual({
      success: false,
      message: 'Invalid Credentials',
      code: 'AUTH_INVALID_CREDENTIALS',
    });
    expect(wrong.body).toEqual(unknown.body);
    const right = await post('/auth/login', {
      emailId: body.emailId,
      password: STRONG_PASSWORD,
    }).expect(403);
    expect(right.body).toEqual({
      success: false,
      message: 'Please verify your email before logging in',
      code: 'AUTH_EMAIL_NOT_VERIFIED',
    });
    expect(right.headers['set-cookie']).toBeUndefined();
  });

  it.each([
    ['no token', '', 'Invalid verification link', 'VALIDATION_FAILED'],
    ['repeated token', '?token=a&token=b', 'Invalid verification link', 'VALIDATION_FAILED'],
    [
      'over-long token',
      `?token=${'a'.repeat(200)}`,
      'Invalid verification link',
      'VALIDATION_FAILED',
    ],
    [
      'unknown token',
      `?token=${'ab'.repeat(32)}`,
      'Invalid or expired verification link',
      'AUTH_VERIFICATION_LINK_INVALID',
    ],
    [
      'operator token',
      '?token[$ne]=x',
      'Field names may not start with "$" (got "token[$ne]")',
      'INPUT_OPERATOR_KEY',
    ],
  ])('verify-email: %s → 400', async (_name, query, message, code) => {
    const res = await request(t.server)
      .get(`/auth/verify-email${query}`)
      .set('X-Forwarded-For', randomClientIp())
      .expect(400);
    expect(res.body).toEqual({ success: false, message, code });
  });

  it('verify-email: an expired token is refused even though it matches', async () => {
    const { body } = await signUp(t, { verified: false });
    const token = 'cd'.repeat(32);
    const { createHash } = await import('node:crypto');
    await t.connection.collection('users').updateOne(
      { emailId: body.emailId },
      {
        $set: {
          emailVerifyToken: createHash('sha256').update(token).digest('hex'),
          emailVerifyExpiry: new Date(Date.now() - 1000),
        },
      },
    );
    const res = await request(t.server).get(`/auth/verify-email?token=${token}`).expect(400);
    expect(res.body.message).toBe('Invalid or expired verification link');
    expect(await t.connection.collection('users').findOne({ emailId: body.emailId })).toMatchObject(
      { emailVerified: false },
    );
  });

  it.each([
    [
      'operator',
      { emailId: { $ne: null } },
      'Field names may not start with "$" (got "$ne")',
      'INPUT_OPERATOR_KEY',
    ],
    ['number', { emailId: 42 }, 'emailId must be a string', 'VALIDATION_FAILED'],
    ['unknown field', { email: 'a@b.co' }, 'property email should not exist', 'VALIDATION_FAILED'],
  ])('resend-verification: %s → 400', async (_name, body, message, code) => {
    const res = await post('/auth/resend-verification', body).expect(400);
    expect(res.body).toEqual({ success: false, message, code });
  });
});
