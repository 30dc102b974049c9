import { Types } from 'mongoose';
import request from 'supertest';
import { PresenceGateway } from '../src/modules/presence/presence.gateway';
import { cookiesFrom, signUp, STRONG_PASSWORD, UserSession } from './support/session';
import { TestSocket } from './support/sockets';
import { createTestApp, TestApp } from './support/test-app';

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

interface ListedSession {
  id: string;
  device: string;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

/** The caller's devices: listing their sessions and signing them out. */
describe('Devices: GET /auth/sessions, DELETE /auth/sessions[/:id]', () => {
  let t: TestApp;
  const sockets: TestSocket[] = [];
  let sequence = 0;

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
  });

  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  afterAll(async () => {
    await t.close();
  });

  /** A login from a given device and address (the app trusts one proxy hop). */
  async function loginFrom(emailId: string, userAgent: string, ip: string): Promise<UserSession> {
    const res = await request(t.server)
      .post('/auth/login')
      .set('User-Agent', userAgent)
      .set('X-Forwarded-For', ip)
      .send({ emailId, password: STRONG_PASSWORD })
      .expect(200);
    const cookies = cookiesFrom(res);
    return new UserSession(t.server, cookies.accessToken, cookies.refreshToken, res.body.data);
  }

  async function newUser() {
    const { body } = await signUp(t);
    sequence++;
    const laptop = await loginFrom(body.emailId, CHROME_WINDOWS, `203.0.113.${sequence}`);
    const phone = await loginFrom(body.emailId, SAFARI_IPHONE, `2001:db8:${sequence}:42::9`);
    return { emailId: body.emailId, laptop, phone };
  }

  const list = async (session: UserSession) =>
    (await session.get('/auth/sessions').expect(200)).body.data as ListedSession[];

  it('lists the live sessions, newest first, with a coarse device and network; the caller’s own is current', async () => {
    const { laptop, phone } = await newUser();
    const res = await laptop.get('/auth/sessions').expect(200);
    expect(res.body.message).toBe('Sessions retrieved successfully');
    const sessions = res.body.data as ListedSession[];
    expect(sessions).toHaveLength(2);
    expect(sessions.map((s) => Object.keys(s).sort())).toEqual(
      Array(2).fill(['createdAt', 'current', 'device', 'id', 'ip', 'lastUsedAt']),
    );
    const [newest, oldest] = sessions;
    expect(newest).toMatchObject({ device: 'Safari on iOS', current: false });
    expect(newest.ip).toMatch(/^2001:db8:\d+::\/48$/);
    expect(oldest).toMatchObject({ device: 'Chrome on Windows', current: true });
    expect(oldest.ip).toMatch(/^203\.0\.113\.x$/);
    expect(new Date(oldest.lastUsedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(oldest.createdAt).getTime() - 1000,
    );
    // The phone sees the same two sessions, its own marked.
    expect((await list(phone)).map((s) => [s.id, s.current])).toEqual([
      [newest.id, true],
      [oldest.id, false],
    ]);
  });

  it('a refresh moves lastUsedAt and the network; a request alone writes nothing', async () => {
    const { laptop } = await newUser();
    const [before] = (await list(laptop)).filter((s) => s.current);
    const sessions = t.connection.collection('sessions');
    await sessions.updateOne(
      { _id: new Types.ObjectId(before.id) },
      { $set: { lastUsedAt: new Date(Date.now() - 3_600_000) } },
    );
    await laptop.get('/profile').expect(200);
    const aged = (await list(laptop)).find((s) => s.current)!;
    expect(new Date(aged.lastUsedAt).getTime()).toBeLessThan(Date.now() - 3_000_000);

    const refreshed = await request(t.server)
      .post('/auth/refresh')
      .set('X-Forwarded-For', '198.51.100.23')
      .set('Cookie', laptop.cookieHeader('refresh'))
      .expect(200);
    laptop.adopt(refreshed);
    const after = (await list(laptop)).find((s) => s.current)!;
    expect(after.id).toBe(before.id);
    expect(after.ip).toBe('198.51.100.x');
    expect(new Date(after.lastUsedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('after a password change the new session of this device keeps its device and network', async () => {
    const { laptop } = await newUser();
    const before = (await list(laptop)).find((s) => s.current)!;
    const change = { password: STRONG_PASSWORD, newPassword: 'N3w!password' };
    laptop.adopt(await laptop.patch('/profile/password', change).expect(200));
    const sessions = await list(laptop);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ current: true, device: before.device, ip: before.ip });
    expect(sessions[0].id).not.toBe(before.id);
  });

  it('revoking one session ends its access token at once; the rest keep working', async () => {
    const { laptop, phone } = await newUser();
    const phoneId = (await list(phone)).find((s) => s.current)!.id;
    const res = await laptop.delete(`/auth/sessions/${phoneId}`).expect(200);
    expect(res.body).toEqual({ success: true, message: 'Session revoked' });
    const refused = await phone.get('/profile').expect(401);
    expect(refused.body.code).toBe('AUTH_ACCESS_TOKEN_INVALID');
    expect((await phone.refresh()).status).toBe(401);
    await laptop.get('/profile').expect(200);
    expect((await list(laptop)).map((s) => s.id)).not.toContain(phoneId);
    // Already revoked: not a live session any more.
    const again = await laptop.delete(`/auth/sessions/${phoneId}`).expect(404);
    expect(again.body).toEqual({
      success: false,
      message: 'Session not found',
      code: 'AUTH_SESSION_NOT_FOUND',
    });
  });

  it("a user cannot revoke someone else's session (404); bad ids 400, unknown ids 404", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const bobsId = (await list(bob.phone)).find((s) => s.current)!.id;
    const foreign = await alice.laptop.delete(`/auth/sessions/${bobsId}`).expect(404);
    expect(foreign.body.code).toBe('AUTH_SESSION_NOT_FOUND');
    await bob.phone.get('/profile').expect(200);

    for (const bad of ['123', 'zzzzzzzzzzzzzzzzzzzzzzzz', `${bobsId}0`]) {
      const res = await alice.laptop.delete(`/auth/sessions/${bad}`).expect(400);
      expect(res.body).toEqual({ success: false, message: 'Invalid id', code: 'INVALID_ID' });
    }
    await alice.laptop.delete('/auth/sessions/665f1c2e9b1e8a3d4c5b6a70').expect(404);
    await request(t.server).get('/auth/sessions').expect(401);
    await request(t.server).delete(`/auth/sessions/${bobsId}`).expect(401);
    await bob.phone.get('/profile').expect(200);
  });

  it('DELETE /auth/sessions signs out every other device and keeps this one', async () => {
    const { emailId, laptop, phone } = await newUser();
    const tablet = await loginFrom(emailId, 'curl/8.5.0', '192.0.2.1');
    const res = await laptop.delete('/auth/sessions').expect(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Other sessions revoked',
      data: { revoked: 2 },
    });
    for (const other of [phone, tablet]) await other.get('/profile').expect(401);
    await laptop.get('/profile').expect(200);
    const left = await list(laptop);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ current: true, device: 'Chrome on Windows' });
    expect((await laptop.delete('/auth/sessions').expect(200)).body.data).toEqual({ revoked: 0 });
  });

  it('a socket of a revoked session is parked and disconnected, as after a logout; the other device keeps its socket', async () => {
    const { laptop, phone } = await newUser();
    const phoneTab = await TestSocket.connect(t.url, phone.cookieHeader());
    const laptopTab = await TestSocket.connect(t.url, laptop.cookieHeader());
    sockets.push(phoneTab, laptopTab);
    await phoneTab.waitFor('onlineList');
    await laptopTab.waitFor('onlineList');
    const phoneId = (await list(phone)).find((s) => s.current)!.id;

    const closed = phoneTab.nextDisconnect();
    await laptop.delete(`/auth/sessions/${phoneId}`).expect(200);
    // The heartbeat finds the revoked session (a delivery to the user would find it too).
    await t.app.get(PresenceGateway).refreshLocalSockets();
    expect(await phoneTab.waitFor('authRequired')).toEqual({
      message: 'Invalid or expired access token',
    });
    expect(await closed).toBe('transport close');
    expect(laptopTab.socket.connected).toBe(true);
    expect(laptopTab.of('authRequired')).toEqual([]);
  });
});
