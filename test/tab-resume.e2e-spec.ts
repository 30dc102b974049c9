import { io } from 'socket.io-client';
import { PresenceGateway } from '../src/modules/presence/presence.gateway';
import type { JoinChatAck, SendMessageAck } from '../src/modules/presence/presence.events';
import { connectUsers, signUpAndLogIn } from './support/session';
import { BrowserCookies, TestSocket } from './support/sockets';
import { createTestApp, TestApp } from './support/test-app';

function ask<A>(socket: TestSocket, event: 'joinChat' | 'sendMessage', payload: object) {
  return new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5000);
    (socket.socket.emit as (...args: unknown[]) => void)(event, payload, (answer: A) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** The private session id socket.io-client keeps to resume (set when the server enables it). */
const pidOf = (socket: TestSocket) => (socket.socket as unknown as { _pid?: string })._pid;

describe('A tab resumes its chat after its connection drops (the SPA joins a chat only on mount)', () => {
  let t: TestApp;
  const sockets: TestSocket[] = [];
  const track = (socket: TestSocket) => (sockets.push(socket), socket);

  /** Drops every transport of `userId` on the server, as a draining instance or a network blip does. */
  const dropConnectionsOf = (userId: string) => {
    const server = t.app.get(PresenceGateway).server;
    for (const socket of server.sockets.sockets.values()) {
      if (socket.data.userId === userId) socket.conn.close();
    }
  };

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  it('after a dropped connection the same tab still receives its chat, without joining again', async () => {
    const alice = await signUpAndLogIn(t, { firstName: 'Alice' });
    const bob = await signUpAndLogIn(t, { firstName: 'Bobby' });
    await connectUsers(alice, bob);
    const cookies = new BrowserCookies();
    cookies.set('accessToken', alice.accessToken, '/');
    const tab = track(TestSocket.openLikeSpa(t.url, cookies));
    await tab.waitFor('onlineList');
    // The SPA's chat page: joinChat once on mount, no acknowledgement.
    tab.emit('joinChat', { userId: alice.id, targetUserId: bob.id, firstName: 'Alice' });
    const bobSocket = track(await TestSocket.connect(t.url, bob.cookieHeader()));
    await ask<JoinChatAck>(bobSocket, 'joinChat', { targetUserId: alice.id });
    await ask<SendMessageAck>(bobSocket, 'sendMessage', { targetUserId: alice.id, text: 'one' });
    await tab.waitFor('messageReceived', (m) => m.text === 'one');

    const reconnected = tab.nextConnect(10_000);
    dropConnectionsOf(alice.id);
    await reconnected;
    expect(tab.socket.recovered).toBe(true);
    await tab.waitFor('onlineList', () => tab.of('onlineList').length >= 2);

    const sent = await ask<SendMessageAck>(bobSocket, 'sendMessage', {
      targetUserId: alice.id,
      text: 'two',
    });
    expect(sent.ok).toBe(true);
    expect(await tab.waitFor('messageReceived', (m) => m.text === 'two')).toMatchObject({
      firstName: 'Bobby',
      text: 'two',
    });
  });

  it("a resume presented with another user's credential joins nothing of the first user's", async () => {
    const alice = await signUpAndLogIn(t, { firstName: 'Alice' });
    const bob = await signUpAndLogIn(t, { firstName: 'Bobby' });
    const carol = await signUpAndLogIn(t, { firstName: 'Carol' });
    const dave = await signUpAndLogIn(t, { firstName: 'David' });
    await connectUsers(alice, bob);
    await connectUsers(carol, dave);
    const aliceSocket = track(await TestSocket.connect(t.url, alice.cookieHeader()));
    await aliceSocket.waitFor('onlineList');
    expect((await ask<JoinChatAck>(aliceSocket, 'joinChat', { targetUserId: bob.id })).ok).toBe(
      true,
    );
    const pid = pidOf(aliceSocket);
    expect(pid).toEqual(expect.any(String));
    const dropped = aliceSocket.nextDisconnect();
    dropConnectionsOf(alice.id);
    await dropped;

    // Alice's private session id, with Carol's cookie.
    const raw = io(t.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { Cookie: carol.cookieHeader() },
      auth: { pid, offset: 'r' },
    });
    const carolTab = track(TestSocket.wrap(raw));
    await carolTab.waitFor('onlineList');
    await ask<JoinChatAck>(carolTab, 'joinChat', { targetUserId: dave.id });
    const bobSocket = track(await TestSocket.connect(t.url, bob.cookieHeader()));
    const daveSocket = track(await TestSocket.connect(t.url, dave.cookieHeader()));
    await ask<JoinChatAck>(bobSocket, 'joinChat', { targetUserId: alice.id });
    await ask<JoinChatAck>(daveSocket, 'joinChat', { targetUserId: carol.id });
    await ask<SendMessageAck>(bobSocket, 'sendMessage', {
      targetUserId: alice.id,
      text: 'to Alice',
    });
    await ask<SendMessageAck>(daveSocket, 'sendMessage', {
      targetUserId: carol.id,
      text: 'to Carol',
    });
    // Both sends ran on this instance in that order: had the tab been in Alice's chat room, her
    // message would have reached it first.
    await carolTab.waitFor('messageReceived', (m) => m.text === 'to Carol');
    expect(carolTab.of('messageReceived').map((m) => m.text)).toEqual(['to Carol']);
  });

  it('an unknown or malformed private session id connects as a new tab', async () => {
    const erin = await signUpAndLogIn(t, { firstName: 'Erin' });
    for (const pid of ['A'.repeat(28), '../../etc', 'x'.repeat(5000)]) {
      const raw = io(t.url, {
        path: '/socket.io',
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { Cookie: erin.cookieHeader() },
        auth: { pid, offset: 'r' },
      });
      const socket = track(TestSocket.wrap(raw));
      expect(await socket.waitFor('onlineList')).toEqual([erin.id]);
      expect(raw.recovered).toBe(false);
    }
  });
});
