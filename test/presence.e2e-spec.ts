import { signUpAndLogIn, UserSession } from './support/session';
import { sleep, TestSocket } from './support/sockets';
import { createTestApp, TestApp, uniqueNamespace } from './support/test-app';
import request from 'supertest';
import { io } from 'socket.io-client';
import { PresenceGateway } from '../src/modules/presence/presence.gateway';
import { PresenceStore } from '../src/modules/presence/presence.store';

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

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await one.close();
    await two.close();
  });

  it('a user with tabs on two instances stays online until both close; only connections hear it', async () => {
    const bobTab = await open(two, bob);
    const carolTab = await open(one, carol);
    const aliceTab1 = await open(one, alice);
    expect(await bobTab.waitFor<string>('userOnline', (id) => id === alice.id)).toBe(alice.id); // across instances
    const aliceTab2 = await open(two, alice);
    expect([...(await aliceTab2.waitFor<string[]>('onlineList'))].sort()).toEqual(
      [alice.id, bob.id].sort(),
    );

    aliceTab1.close();
    await sleep(300);
    expect(bobTab.of('userOffline')).toEqual([]); // the second tab keeps her online
    const list = await TestSocket.connect(one.url, bob.cookieHeader());
    sockets.push(list);
    expect([...(await list.waitFor<string[]>('onlineList'))].sort()).toEqual(
      [alice.id, bob.id].sort(),
    );

    aliceTab2.close();
    expect(await bobTab.waitFor<string>('userOffline')).toBe(alice.id);
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
    tabOne.close();
    tabTwo.close();
  });

  it('refuses sockets with no cookie or a forged one, with the contract messages', async () => {
    await expect(TestSocket.connect(one.url)).rejects.toThrow('Authentication Required');
    await expect(TestSocket.connect(one.url, 'accessToken=forged.jwt.value')).rejects.toThrow(
      'Invalid or expired access token',
    );
    const foreign = io(one.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { Cookie: alice.cookieHeader(), Origin: 'https://evil.example' },
    });
    await new Promise<void>((resolve) => foreign.once('connect_error', () => resolve()));
    expect(foreign.connected).toBe(false);
    foreign.close();
    const revoked = await signUpAndLogIn(one);
    await revoked.post('/auth/logout').expect(200);
    await expect(TestSocket.connect(one.url, revoked.cookieHeader())).rejects.toThrow(
      'Invalid or expired access token',
    );
  });

  it('`register` never changes who a socket is: another id drops the transport, nothing else', async () => {
    const store = one.app.get(PresenceStore);
    const carolTab = await open(one, carol);
    await carolTab.waitFor('onlineList');
    carolTab.emit('register', { userId: alice.id }); // not an id string: only re-sends the list
    await carolTab.waitFor<string[]>('onlineList', () => carolTab.of('onlineList').length >= 2);
    expect(carolTab.of('onlineList')).toEqual([[carol.id], [carol.id]]);
    const closed = new Promise<string>((resolve) => carolTab.socket.once('disconnect', resolve));
    carolTab.emit('register', alice.id);
    expect(await closed).toBe('transport close'); // the SPA would reconnect with its own cookie
    expect(await store.onlineAmong([alice.id])).toEqual([]);
  });

  it('a socket whose session was revoked is dropped at the next heartbeat', async () => {
    const erin = await signUpAndLogIn(one, { firstName: 'Erin' });
    const tab = await open(one, erin);
    await tab.waitFor('onlineList');
    const gateway = one.app.get(PresenceGateway);
    await gateway.refreshLocalSockets();
    expect(tab.socket.connected).toBe(true);
    await request(one.server).post('/auth/logout').set('Cookie', erin.cookieHeader()).expect(200);
    const closed = new Promise<string>((resolve) => tab.socket.once('disconnect', resolve));
    await gateway.refreshLocalSockets();
    expect(await closed).toBe('transport close');
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
