import { createHmac } from 'node:crypto';
import request from 'supertest';
import { PresenceGateway } from '../src/modules/presence/presence.gateway';
import type { ServerToClientEvents } from '../src/modules/presence/presence.events';
import {
  connectUsers,
  logIn,
  randomClientIp,
  signUp,
  signUpAndLogIn,
  STRONG_PASSWORD,
  UserSession,
} from './support/session';
import { BrowserCookies, TestSocket } from './support/sockets';
import { createTestApp, TestApp } from './support/test-app';

/** One browser tab running the SPA: its cookie jar, and the one socket it opens and keeps. */
class Tab {
  readonly cookies = new BrowserCookies();
  socket!: TestSocket;
  userId = '';

  constructor(private readonly t: TestApp) {}

  async logIn(emailId: string, password = STRONG_PASSWORD): Promise<void> {
    const res = await request(this.t.server)
      .post('/auth/login')
      .set('X-Forwarded-For', randomClientIp())
      .send({ emailId, password })
      .expect(200);
    this.cookies.storeFrom(res, '/auth/login');
    this.userId = res.body.data._id as string;
  }

  async logOut(): Promise<void> {
    const res = await request(this.t.server)
      .post('/auth/logout')
      .set('Cookie', this.cookies.header('/auth/logout'))
      .expect(200);
    this.cookies.storeFrom(res, '/auth/logout');
  }

  /** The SPA's socket: opened once, after login, then left to socket.io-client. */
  open(): TestSocket {
    this.socket = TestSocket.openLikeSpa(this.t.url, this.cookies);
    return this.socket;
  }

  /** The SPA emits `register` with its user id after a login. */
  register(): void {
    this.socket.emit('register', this.userId);
  }

  close(): void {
    this.socket?.close();
  }
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

function signJwt(claims: Record<string, unknown>, secret: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const count = (socket: TestSocket, event: keyof ServerToClientEvents) => socket.of(event).length;

describe('Socket lifecycle as the SPA drives it (one socket per tab, browser cookies, no manual reconnect)', () => {
  let t: TestApp;
  const tabs: Tab[] = [];
  const sockets: TestSocket[] = [];

  const newTab = () => {
    const tab = new Tab(t);
    tabs.push(tab);
    return tab;
  };
  const openPlain = async (session: UserSession) => {
    const socket = await TestSocket.connect(t.url, session.cookieHeader());
    sockets.push(socket);
    await socket.waitFor('onlineList');
    return socket;
  };

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
  });

  afterAll(async () => {
    tabs.forEach((tab) => tab.close());
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  it('logout parks the socket at once (nothing reaches it); a new login in the same tab and `register` make it live again', async () => {
    const { body: account } = await signUp(t, { firstName: 'Asha' });
    const tab = newTab();
    await tab.logIn(account.emailId);
    const phone = await logIn(t, account.emailId); // her other device: a second session
    const bob = await signUpAndLogIn(t, { firstName: 'Bobby' });
    await connectUsers(phone, bob);

    const socket = tab.open();
    expect([...(await socket.waitFor('onlineList'))]).toEqual([tab.userId]);
    const phoneSocket = await openPlain(phone);

    await tab.logOut();
    const carol = await signUpAndLogIn(t, { firstName: 'Carol' });
    await carol.post(`/request/send/interested/${tab.userId}`).expect(200);
    // Her live session gets it; the logged-out tab is parked instead, reconnects without a
    // valid cookie and is parked again (the client keeps its socket: no connect_error).
    expect(await phoneSocket.waitFor('newNotification')).toMatchObject({
      from: 'Carol',
    });
    await socket.waitFor('authRequired', () => count(socket, 'authRequired') >= 2);
    expect(socket.socket.connected).toBe(true);
    expect(socket.of('newNotification')).toEqual([]);

    // Same tab, same socket: log in again; the SPA registers; the socket comes back by itself.
    await tab.logIn(account.emailId);
    socket.clear();
    tab.register();
    expect(await socket.waitFor('onlineList')).toEqual([tab.userId]);
    const dave = await signUpAndLogIn(t, { firstName: 'David' });
    await dave.post(`/request/send/interested/${tab.userId}`).expect(200);
    expect(await socket.waitFor('newNotification')).toEqual({
      type: 'request',
      from: 'David',
      text: 'sent you a connection request',
      targetUserId: dave.id,
    });
    const bobSocket = await openPlain(bob);
    expect(await socket.waitFor('userOnline', (id) => id === bob.id)).toBe(bob.id);
    expect(await bobSocket.waitFor('onlineList')).toContain(tab.userId);
  });

  it('a password change on another device parks the tab at once while the new session receives; a new login brings the tab back', async () => {
    const { body: account } = await signUp(t, { firstName: 'Erin' });
    const tab = newTab();
    await tab.logIn(account.emailId);
    const socket = tab.open();
    await socket.waitFor('onlineList');

    const phone = await logIn(t, account.emailId);
    const changed = await phone
      .patch('/profile/password', { password: STRONG_PASSWORD, newPassword: 'N3w!password' })
      .expect(200);
    phone.adopt(changed); // every other session, the tab's included, is revoked
    const phoneSocket = await openPlain(phone);

    const fred = await signUpAndLogIn(t, { firstName: 'Fred' });
    await fred.post(`/request/send/interested/${tab.userId}`).expect(200);
    await phoneSocket.waitFor('newNotification');
    // Parked, then reconnected with what the tab holds (a revoked session): parked again.
    await socket.waitFor('authRequired', () => count(socket, 'authRequired') >= 2);
    expect(socket.of('newNotification')).toEqual([]);

    await tab.logIn(account.emailId, 'N3w!password');
    socket.clear();
    tab.register();
    await socket.waitFor('onlineList');
    const gina = await signUpAndLogIn(t, { firstName: 'Gina' });
    await gina.post(`/request/send/interested/${tab.userId}`).expect(200);
    expect(await socket.waitFor('newNotification')).toMatchObject({ from: 'Gina' });
  });

  it('an expired access token opens no socket; the socket cookie does while its session lives, and not once it is revoked', async () => {
    const henry = await signUpAndLogIn(t, { firstName: 'Henry' });
    const claims = claimsOf(henry.accessToken);
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt(
      { ...claims, iat: now - 3600, exp: now - 60 },
      t.config.auth.accessSecret,
    );
    await request(t.server).get('/profile').set('Cookie', `accessToken=${expired}`).expect(401);
    const stale = await TestSocket.connect(t.url, `accessToken=${expired}`);
    sockets.push(stale);
    expect(await stale.waitFor('authRequired')).toEqual({
      message: 'Invalid or expired access token',
    });

    const handshake = await request(t.server)
      .get('/socket.io/?EIO=4&transport=polling')
      .set('Cookie', henry.cookieHeader())
      .expect(200);
    const socketCookie = (handshake.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const socket = await TestSocket.connect(t.url, `accessToken=${expired}; ${socketCookie}`);
    sockets.push(socket);
    expect(await socket.waitFor('onlineList')).toEqual([henry.id]);
    socket.close();

    await henry.post('/auth/logout').expect(200);
    const after = await TestSocket.connect(t.url, socketCookie);
    sockets.push(after);
    expect(await after.waitFor('authRequired')).toEqual({
      message: 'Invalid or expired access token',
    });
  });

  it('forged, tampered and foreign tokens connect parked, stay parked after `register` and never receive anything', async () => {
    const ivy = await signUpAndLogIn(t, { firstName: 'Ivy' });
    const jack = await signUpAndLogIn(t, { firstName: 'Jack' });
    await connectUsers(ivy, jack);
    const ivySocket = await openPlain(ivy);
    const claims = claimsOf(ivy.accessToken);
    const [head, , signature] = ivy.accessToken.split('.');
    const tokens = {
      // her ids and live session, signed with another key
      forged: signJwt(claims, 'not-the-server-secret-0123456789'),
      // her real signature over claims naming Jack
      tampered: `${head}.${Buffer.from(JSON.stringify({ ...claims, userId: jack.id })).toString('base64url')}.${signature}`,
      // validly signed, but her session does not belong to Jack
      foreign: signJwt({ ...claims, userId: jack.id }, t.config.auth.accessSecret),
    };
    const attackers = Object.values(tokens).map((token) => {
      const tab = newTab();
      tab.cookies.set('accessToken', token, '/');
      tab.userId = ivy.id; // whatever id it claims is ignored
      tab.open();
      return tab;
    });
    for (const tab of attackers) {
      expect(await tab.socket.waitFor('authRequired')).toEqual({
        message: 'Invalid or expired access token',
      });
      tab.register(); // reconnects with the same cookie: parked again
    }
    for (const tab of attackers) {
      await tab.socket.waitFor('authRequired', () => count(tab.socket, 'authRequired') >= 2);
    }
    // Events for Ivy and for Jack's presence: her real socket gets them, the attackers nothing.
    const kate = await signUpAndLogIn(t, { firstName: 'Kate' });
    await kate.post(`/request/send/interested/${ivy.id}`).expect(200);
    await openPlain(jack);
    await ivySocket.waitFor('newNotification');
    await ivySocket.waitFor('userOnline', (id) => id === jack.id);
    for (const tab of attackers) {
      expect(tab.socket.events.map((e) => e.event)).toEqual(['authRequired', 'authRequired']);
    }
  });

  it('the handshake gives the socket its own credential: opaque, HttpOnly, SameSite, no Path, as long-lived as a refresh token, useless over HTTP', async () => {
    const lena = await signUpAndLogIn(t, { firstName: 'Lena' });
    const handshake = (cookie?: string) => {
      const req = request(t.server).get('/socket.io/?EIO=4&transport=polling');
      return (cookie ? req.set('Cookie', cookie) : req).expect(200);
    };
    const res = await handshake(lena.cookieHeader());
    const line = (res.headers['set-cookie'] as unknown as string[])[0];
    const [pair, ...flags] = line.split('; ');
    expect(flags.sort()).toEqual(
      [
        `Max-Age=${t.config.auth.refreshTtlMs / 1000}`,
        'HttpOnly',
        'Secure',
        'SameSite=Strict',
      ].sort(),
    );
    const credential = pair.slice('socketToken='.length);
    expect(credential).toBe(
      `s1.${String(claimsOf(lena.accessToken).sid)}.${lena.id}.${credential.split('.')[3]}`,
    );
    expect(credential.split('.')[3]).toMatch(/^[\w-]{43}$/);
    expect(credential).not.toContain(lena.accessToken);
    // Not an HTTP credential, under either cookie name.
    for (const cookie of [`accessToken=${credential}`, `socketToken=${credential}`]) {
      await request(t.server).get('/profile').set('Cookie', cookie).expect(401);
    }
    // Kept (and renewed) from the socket cookie alone; never for one we did not mint.
    const again = await handshake(`socketToken=${credential}`);
    expect(again.headers['set-cookie']).toEqual([line]);
    const forged = signJwt(claimsOf(lena.accessToken), 'not-the-server-secret-0123456789');
    expect((await handshake(`accessToken=${forged}`)).headers['set-cookie']).toBeUndefined();
    const repointed = credential.replace(/^s1\.[0-9a-f]{24}/, `s1.${'0'.repeat(24)}`);
    expect((await handshake(`socketToken=${repointed}`)).headers['set-cookie']).toBeUndefined();
    expect((await handshake()).headers['set-cookie']).toBeUndefined();
  });
});

describe('Socket lifecycle after the access cookie expired (ACCESS_TOKEN_EXPIRY=2s)', () => {
  let t: TestApp;
  const tabs: Tab[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    t = await createTestApp({ listen: true, env: { ACCESS_TOKEN_EXPIRY: '2s' } });
  });

  afterAll(async () => {
    tabs.forEach((tab) => tab.close());
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  it('a network blip on an idle page reconnects on the socket cookie and the socket stays live', async () => {
    const { body: account } = await signUp(t, { firstName: 'Mona' });
    const tab = new Tab(t);
    tabs.push(tab);
    await tab.logIn(account.emailId);
    const nick = await signUpAndLogIn(t, { firstName: 'Nick' });
    const sent = await nick.post(`/request/send/interested/${tab.userId}`).expect(200);
    await request(t.server)
      .post(`/request/review/accepted/${sent.body.data._id}`)
      .set('Cookie', tab.cookies.header('/request/review'))
      .expect(200);

    const socket = tab.open();
    await socket.waitFor('onlineList');
    expect(tab.cookies.header('/socket.io/')).toContain('socketToken=');

    // The browser drops the access cookie with its token; the API refuses the page until it
    // refreshes. Only the refresh cookie (path /auth) and the socket cookie remain.
    // A wait for the token's 2 s to pass (what this test is about); the deadline only stops a hang.
    const deadline = Date.now() + 30_000;
    while (tab.cookies.get('accessToken')) {
      if (Date.now() > deadline) throw new Error('the access cookie never expired');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(tab.cookies.header('/socket.io/')).not.toContain('accessToken=');
    await request(t.server)
      .get('/profile')
      .set('Cookie', tab.cookies.header('/profile'))
      .expect(401);

    // Network blip: the server loses the transport; socket.io-client reconnects by itself.
    socket.clear();
    const server = t.app.get(PresenceGateway).server;
    server.sockets.sockets.get(socket.socket.id!)!.conn.close();
    expect(await socket.waitFor('onlineList')).toEqual([tab.userId]);
    expect(socket.of('authRequired')).toEqual([]);

    const olga = await signUpAndLogIn(t, { firstName: 'Olga' });
    await olga.post(`/request/send/interested/${tab.userId}`).expect(200);
    expect(await socket.waitFor('newNotification')).toMatchObject({ from: 'Olga' });
    const nickAgain = await logIn(t, nick.user.emailId); // Nick's first token has expired too
    const nickSocket = await TestSocket.connect(t.url, nickAgain.cookieHeader());
    sockets.push(nickSocket);
    expect(await socket.waitFor('userOnline', (id) => id === nick.id)).toBe(nick.id);
  });
});
