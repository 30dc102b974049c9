import { logIn, signUpAndLogIn, UserSession } from './support/session';
import { TestSocket } from './support/sockets';
import { createTestApp, TestApp, uniqueNamespace } from './support/test-app';
import request from 'supertest';
import { io } from 'socket.io-client';
import { PresenceGateway } from '../src/modules/presence/presence.gateway';
import { PresenceService } from '../src/modules/presence/presence.service';
import { PresenceStore } from '../src/modules/presence/presence.store';

/** The settled result of the first call the spy recorded with matching arguments. */
async function settledCall<A extends unknown[], R>(
  spy: jest.SpyInstance<Promise<R>, A>,
  match: (args: A) => boolean,
): Promise<R> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const index = spy.mock.calls.findIndex(match);
    if (index >= 0) return (await spy.mock.results[index].value) as R;
    if (Date.now() > deadline) throw new Error(`no matching ${spy.getMockName()} call`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let fences = 0;

/**
 * A marker notification from `app` to a user's tab, awaited: `app` publishes every delivery on
 * one Redis connection and each instance writes them out in order, so anything `app` emitted to
 * that tab before this call has arrived once the marker has.
 */
async function fence(app: TestApp, userId: string, tab: TestSocket): Promise<void> {
  const text = `fence-${++fences}`;
  app.app
    .get(PresenceService)
    .notify(userId, { type: 'message', from: 'fence', text, targetUserId: userId });
  await tab.waitFor('newNotification', (n) => n.text === text);
}

/** Two API instances sharing Redis, like two replicas behind a load balancer. */
describe('Presence across API instances', () => {
  let one: TestApp;
  let two: TestApp;
  let alice: UserSession;
  let bob: UserSession;
  let carol: UserSession;
  const sockets: TestSocket[] = [];

  const open = async (app: TestApp, session: UserSession) => {
    const socket = await TestSocket.connect(app.url, session.cookieHeader());
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    const namespace = uniqueNamespace('presence');
    one = await createTestApp({ namespace, listen: true, keepData: true });
    two = await createTestApp({ namespace, listen: true });
    alice = await signUpAndLogIn(one, { firstName: 'Alice' });
    bob = await signUpAndLogIn(one, { firstName: 'Bobby' });
    carol = await signUpAndLogIn(one, { firstName: 'Carol' });
    const req = await alice.post(`/request/send/interested/${bob.id}`).expect(200);
    await bob.post(`/request/review/accepted/${req.body.data._id}`).expect(200);
  });

  afterEach(() => {
    sockets.splice(0).forEach((s) => s.close());
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('a user with tabs on two instances stays online until both close; only connections hear it', async () => {
    const bobTab = await open(two, bob);
    const carolTab = await open(one, carol);
    const aliceTab1 = await open(one, alice);
    expect(await bobTab.waitFor('userOnline', (id) => id === alice.id)).toBe(alice.id); // across instances
    const aliceTab2 = await open(two, alice);
    expect([...(await aliceTab2.waitFor('onlineList'))].sort()).toEqual([alice.id, bob.id].sort());

    const tab1Id = aliceTab1.socket.id; // the client forgets it on close
    const removal = settledCall(
      jest.spyOn(one.app.get(PresenceStore), 'remove'),
      ([, socketId]) => socketId === tab1Id,
    );
    aliceTab1.close();
    // Instance one handled the disconnect: her tab on two keeps her online, nothing to announce.
    expect(await removal).toBe(false);
    await fence(one, bob.id, bobTab);
    expect(bobTab.of('userOffline')).toEqual([]);
    const list = await TestSocket.connect(one.url, bob.cookieHeader());
    sockets.push(list);
    expect([...(await list.waitFor('onlineList'))].sort()).toEqual([alice.id, bob.id].sort());

    aliceTab2.close();
    expect(await bobTab.waitFor('userOffline')).toBe(alice.id);
    expect(bobTab.of('userOnline').filter((id) => id === alice.id)).toHaveLength(1);
    // Carol is not connected to Alice: she heard nothing about her.
    expect([...carolTab.of('userOnline'), ...carolTab.of('userOffline')]).not.toContain(alice.id);
    expect(carolTab.of('onlineList')).toEqual([[carol.id]]);
  });

  it('notifications reach every tab of the user, whichever instance handled the request', async () => {
    const tabOne = await open(one, carol);
    const tabTwo = await open(two, carol);
    const dave = await signUpAndLogIn(one, { firstName: 'David' });
    await dave.post(`/request/send/interested/${carol.id}`).expect(200); // handled by instance one
    for (const tab of [tabOne, tabTwo]) {
      expect(await tab.waitFor('newNotification')).toEqual({
        type: 'request',
        from: 'David',
        text: 'sent you a connection request',
        targetUserId: dave.id,
      });
    }
  });

  it('no cookie, a forged one or a revoked session: the socket connects parked, told why, in no room, never online', async () => {
    const store = one.app.get(PresenceStore);
    const anonymous = await TestSocket.connect(one.url);
    sockets.push(anonymous);
    expect(await anonymous.waitFor('authRequired')).toEqual({ message: 'Authentication Required' });
    const forged = await TestSocket.connect(one.url, 'accessToken=forged.jwt.value');
    sockets.push(forged);
    expect(await forged.waitFor('authRequired')).toEqual({
      message: 'Invalid or expired access token',
    });
    const revoked = await signUpAndLogIn(one);
    await revoked.post('/auth/logout').expect(200);
    const parked = await TestSocket.connect(one.url, revoked.cookieHeader());
    sockets.push(parked);
    expect(await parked.waitFor('authRequired')).toEqual({
      message: 'Invalid or expired access token',
    });
    const server = one.app.get(PresenceGateway).server;
    for (const socket of [anonymous, forged, parked]) {
      expect([...server.sockets.sockets.get(socket.socket.id!)!.rooms]).toEqual([socket.socket.id]);
    }
    expect(await store.onlineAmong([revoked.id])).toEqual([]);
    // Another origin is still refused at the transport (a browser on another site).
    const foreign = io(one.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { Cookie: alice.cookieHeader(), Origin: 'https://evil.example' },
    });
    sockets.push(TestSocket.wrap(foreign));
    await new Promise<void>((resolve) => foreign.once('connect_error', () => resolve()));
    expect(foreign.connected).toBe(false);
  });

  it('`register` never changes who a socket is: another id drops the transport, nothing else', async () => {
    const store = one.app.get(PresenceStore);
    const carolTab = await open(one, carol);
    await carolTab.waitFor('onlineList');
    carolTab.emit('register', { userId: alice.id }); // not an id string: only re-sends the list
    await carolTab.waitFor('onlineList', () => carolTab.of('onlineList').length >= 2);
    expect(carolTab.of('onlineList')).toEqual([[carol.id], [carol.id]]);
    const closed = new Promise<string>((resolve) => carolTab.socket.once('disconnect', resolve));
    carolTab.emit('register', alice.id);
    expect(await closed).toBe('transport close'); // the SPA would reconnect with its own cookie
    expect(await store.onlineAmong([alice.id])).toEqual([]);
  });

  it('a revoked session receives nothing from the moment of revocation, whichever instance sends; it is parked, and the heartbeat parks idle ones', async () => {
    const store = one.app.get(PresenceStore);
    const erin = await signUpAndLogIn(one, { firstName: 'Erin' });
    const erinPhone = await logIn(one, erin.user.emailId);
    const tab = await open(two, erin); // this session is revoked below
    const phone = await open(one, erinPhone);
    await tab.waitFor('onlineList');
    await phone.waitFor('onlineList');
    await request(one.server).post('/auth/logout').set('Cookie', erin.cookieHeader()).expect(200);
    const closed = new Promise<string>((resolve) => tab.socket.once('disconnect', resolve));
    const fiona = await signUpAndLogIn(one, { firstName: 'Fiona' });
    await fiona.post(`/request/send/interested/${erin.id}`).expect(200); // sent by instance one
    await phone.waitFor('newNotification');
    expect(await tab.waitFor('authRequired')).toEqual({
      message: 'Invalid or expired access token',
    });
    expect(await closed).toBe('transport close'); // the SPA's client would reconnect
    expect(tab.of('newNotification')).toEqual([]);
    expect(await store.onlineAmong([erin.id])).toEqual([erin.id]); // the phone is still there

    // Nothing sent to it: the heartbeat finds the revoked session and parks the socket.
    const gateway = one.app.get(PresenceGateway);
    await gateway.refreshLocalSockets();
    expect(phone.socket.connected).toBe(true);
    await request(one.server)
      .post('/auth/logout')
      .set('Cookie', erinPhone.cookieHeader())
      .expect(200);
    const phoneClosed = new Promise<string>((resolve) => phone.socket.once('disconnect', resolve));
    await gateway.refreshLocalSockets();
    expect(await phone.waitFor('authRequired')).toEqual({
      message: 'Invalid or expired access token',
    });
    expect(await phoneClosed).toBe('transport close');
    expect(await store.onlineAmong([erin.id])).toEqual([]);
  });

  it('accepting a request tells each side the other is online; removing the connection sends userOffline both ways', async () => {
    const kim = await signUpAndLogIn(one, { firstName: 'Kimmy' });
    const leo = await signUpAndLogIn(one, { firstName: 'Leonard' });
    const kimTab = await open(one, kim);
    const leoTab = await open(two, leo);
    expect(await kimTab.waitFor('onlineList')).toEqual([kim.id]);
    expect(await leoTab.waitFor('onlineList')).toEqual([leo.id]);

    const sent = await kim.post(`/request/send/interested/${leo.id}`).expect(200);
    expect(kimTab.of('userOnline')).toEqual([kim.id]); // a request alone shares nothing
    await leo.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
    expect(await kimTab.waitFor('userOnline', (id) => id === leo.id)).toBe(leo.id);
    expect(await leoTab.waitFor('userOnline', (id) => id === kim.id)).toBe(kim.id);
    kimTab.emit('register', kim.id);
    const list = await kimTab.waitFor('onlineList', (l) => l.length === 2);
    expect([...list].sort()).toEqual([kim.id, leo.id].sort());

    await kim.delete(`/request/connection/${leo.id}`).expect(200);
    expect(await kimTab.waitFor('userOffline')).toBe(leo.id);
    expect(await leoTab.waitFor('userOffline')).toBe(kim.id);
    const announced = settledCall(
      jest.spyOn(two.app.get(PresenceService), 'announce'),
      ([userId, event]) => userId === leo.id && event === 'userOffline',
    );
    leoTab.close();
    await announced; // two has published Leo's userOffline to whoever it goes to
    await fence(two, kim.id, kimTab);
    expect(kimTab.of('userOffline')).toEqual([leo.id]); // no longer told about Leo
  });

  it('accepting tells nothing about a side that is offline', async () => {
    const mia = await signUpAndLogIn(one, { firstName: 'Mia' });
    const ned = await signUpAndLogIn(one, { firstName: 'Ned' });
    const miaTab = await open(one, mia);
    await miaTab.waitFor('onlineList');
    const sent = await ned.post(`/request/send/interested/${mia.id}`).expect(200);
    await mia.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
    const nedTab = await open(two, ned); // his own arrival is what tells her
    expect(await nedTab.waitFor('onlineList', (l) => l.length === 2)).toEqual(
      expect.arrayContaining([mia.id, ned.id]),
    );
    expect(await miaTab.waitFor('userOnline', (id) => id === ned.id)).toBe(ned.id);
    expect(miaTab.of('userOnline').filter((id) => id === ned.id)).toHaveLength(1);
  });

  it('sockets of a crashed instance expire without heartbeats', async () => {
    const store = one.app.get(PresenceStore);
    await store.add('0123456789abcdef01234567', 'ghost-socket', Date.now() - 120_000);
    expect(await store.onlineAmong(['0123456789abcdef01234567'])).toEqual([]);
    await store.add('0123456789abcdef01234567', 'live-socket');
    expect(await store.onlineAmong(['0123456789abcdef01234567'])).toEqual([
      '0123456789abcdef01234567',
    ]);
  });
});
