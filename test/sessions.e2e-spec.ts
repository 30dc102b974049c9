import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { logIn, signUp, signUpAndLogIn, STRONG_PASSWORD, UserSession } from './support/session';
import { createTestApp, TestApp } from './support/test-app';

describe('Sessions: refresh rotation, reuse detection, devices, revocation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function moveRotationBack(session: UserSession, ms: number) {
    const sessions = t.connection.collection('sessions');
    const doc = await sessions.findOne(
      { userId: { $exists: true }, tokenHash: { $exists: true } },
      { sort: { _id: -1 } },
    );
    expect(doc).toBeTruthy();
    await sessions.updateMany(
      { userId: doc!.userId, rotatedAt: { $ne: null } },
      { $set: { rotatedAt: new Date(Date.now() - ms) } },
    );
    return session;
  }

  it('a refresh token replayed after the grace window revokes the whole session', async () => {
    const session = await signUpAndLogIn(t);
    const stolen = session.refreshToken;
    expect((await session.refresh()).status).toBe(200);
    await moveRotationBack(session, 31_000);

    const replay = await request(t.server)
      .post('/auth/refresh')
      .set('Cookie', `refreshToken=${stolen}`)
      .expect(401);
    expect(replay.body).toEqual({
      success: false,
      message: 'Invalid refresh token',
      code: 'AUTH_REFRESH_TOKEN_INVALID',
    });
    // The legitimate holder is signed out too: the family is revoked.
    expect((await session.refresh()).status).toBe(401);
    const denied = await session.get('/profile').expect(401);
    expect(denied.body.message).toBe('Invalid or expired access token');
    const stored = await t.connection
      .collection('sessions')
      .findOne({ revokedReason: 'refresh-token-reuse' });
    expect(stored).toBeTruthy();
  });

  it('two concurrent refreshes with the same token both succeed and agree', async () => {
    const session = await signUpAndLogIn(t);
    const cookie = session.cookieHeader('refresh');
    const [a, b] = await Promise.all([
      request(t.server).post('/auth/refresh').set('Cookie', cookie),
      request(t.server).post('/auth/refresh').set('Cookie', cookie),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    session.adopt(a);
    const fromA = session.refreshToken;
    session.adopt(b);
    expect(session.refreshToken).toBe(fromA); // the grace path hands back the current token
    await session.get('/profile').expect(200);
    // A third, later refresh with the token both got still rotates normally.
    expect((await session.refresh()).status).toBe(200);
    expect(session.refreshToken).not.toBe(fromA);
  });

  it('a rotated token inside the grace window returns the current pair, not a new rotation', async () => {
    const session = await signUpAndLogIn(t);
    const old = session.refreshToken;
    await session.refresh();
    const current = session.refreshToken;
    const late = await request(t.server)
      .post('/auth/refresh')
      .set('Cookie', `refreshToken=${old}`)
      .expect(200);
    const again = new UserSession(t.server, '', old, session.user);
    again.adopt(late);
    expect(again.refreshToken).toBe(current);
  });

  it('a second device keeps its session when the first logs out', async () => {
    const { body } = await signUp(t);
    const laptop = await logIn(t, body.emailId);
    const phone = await logIn(t, body.emailId);
    await request(t.server)
      .post('/auth/logout')
      .set('Cookie', laptop.cookieHeader('both'))
      .expect(200);
    await laptop.get('/profile').expect(401);
    await phone.get('/profile').expect(200);
    expect((await phone.refresh()).status).toBe(200);
  });

  it('logout with only the refresh cookie revokes, and logout with nothing still answers 200', async () => {
    const session = await signUpAndLogIn(t);
    await request(t.server)
      .post('/auth/logout')
      .set('Cookie', session.cookieHeader('refresh'))
      .expect(200);
    await session.get('/profile').expect(401);
    const bare = await request(t.server).post('/auth/logout').expect(200);
    expect(bare.body).toEqual({ success: true, message: 'Logout successful' });
    await request(t.server)
      .post('/auth/logout')
      .set('Cookie', 'accessToken=garbage; refreshToken=junk')
      .expect(200);
  });

  it('a password change revokes every other session and issues fresh cookies to the caller', async () => {
    const { body } = await signUp(t);
    const a = await logIn(t, body.emailId);
    const b = await logIn(t, body.emailId);
    const newPassword = 'N3w!password';
    const res = await a
      .patch('/profile/password', { password: STRONG_PASSWORD, newPassword })
      .expect(200);
    expect(res.body.message).toBe('Password updated successfully');
    expect(res.body.data).not.toHaveProperty('password');
    const oldAccess = a.accessToken;
    a.adopt(res);
    expect(a.accessToken).not.toBe(oldAccess);
    await a.get('/profile').expect(200);
    await request(t.server).get('/profile').set('Cookie', `accessToken=${oldAccess}`).expect(401);
    await b.get('/profile').expect(401);
    expect((await b.refresh()).status).toBe(401);
    await request(t.server)
      .post('/auth/login')
      .send({ emailId: body.emailId, password: STRONG_PASSWORD })
      .expect(400);
    await logIn(t, body.emailId, newPassword);
  });

  it('password change rules, in the contract order', async () => {
    const s = await signUpAndLogIn(t);
    const cases: [object, string][] = [
      [{}, 'Current password and new password are required'],
      [{ password: STRONG_PASSWORD }, 'Current password and new password are required'],
      [
        { password: STRONG_PASSWORD, newPassword: STRONG_PASSWORD },
        'New password should not be the same as the current password',
      ],
      [
        { password: STRONG_PASSWORD, newPassword: 'weakpass' },
        'newPassword is too weak: use at least 8 characters (at most 72 bytes) with a lowercase letter (a-z), an uppercase letter (A-Z), a digit (0-9) and a symbol such as ! @ # $ % & * ?',
      ],
      [{ password: 'Wr0ng!pass', newPassword: 'N3w!password' }, 'Current password is incorrect'],
      [
        { password: { $ne: null }, newPassword: 'N3w!password' },
        'Field names may not start with "$" (got "$ne")',
      ],
      [{ password: 123, newPassword: 'N3w!password' }, 'password must be a string'],
    ];
    for (const [body, message] of cases) {
      const res = await s.patch('/profile/password', body);
      expect({ status: res.status, message: res.body.message }).toEqual({ status: 400, message });
    }
  });

  it('access guard: missing, forged, expired-session and header-only tokens are all 401', async () => {
    const missing = await request(t.server).get('/profile').expect(401);
    expect(missing.body).toEqual({
      success: false,
      message: 'Authentication Required',
      code: 'AUTH_REQUIRED',
    });
    const forged = await request(t.server)
      .get('/profile')
      .set('Cookie', 'accessToken=eyJhbGciOiJIUzI1NiJ9.e30.x')
      .expect(401);
    expect(forged.body.message).toBe('Invalid or expired access token');
    const session = await signUpAndLogIn(t);
    const header = await request(t.server)
      .get('/profile')
      .set('Authorization', `Bearer ${session.accessToken}`)
      .expect(401);
    expect(header.body.message).toBe('Authentication Required');
    // Signed with our key for a live session, but past its expiry.
    const [, payload] = session.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as object;
    const now = Math.floor(Date.now() / 1000);
    const expired = new JwtService().sign(
      { ...claims, iat: now - 1000, exp: now - 10 },
      { secret: t.config.auth.accessSecret, algorithm: 'HS256' },
    );
    const late = await request(t.server).get('/profile').set('Cookie', `accessToken=${expired}`);
    expect(late.status).toBe(401);
    expect(late.body.message).toBe('Invalid or expired access token');
    await t.connection.collection('users').deleteOne({ emailId: session.user.emailId });
    const gone = await session.get('/profile').expect(401);
    expect(gone.body.message).toBe('User not found');
  });

  it('refresh without a cookie, or with garbage, is 401 with the contract messages', async () => {
    expect((await request(t.server).post('/auth/refresh').expect(401)).body.message).toBe(
      'Refresh token missing',
    );
    expect(
      (await request(t.server).post('/auth/refresh').set('Cookie', 'refreshToken=nope').expect(401))
        .body.message,
    ).toBe('Invalid refresh token');
  });
});
