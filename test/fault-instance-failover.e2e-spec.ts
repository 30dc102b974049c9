import { Types } from 'mongoose';
import request from 'supertest';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../src/common/redis/redis.module';
import { PresenceStore } from '../src/modules/presence/presence.store';
import { freePort } from '../scripts/services';
import { FailoverProxy, startFailoverProxy } from './support/failover-proxy';
import { logIn, randomClientIp, signUp, signUpAndLogIn, UserSession } from './support/session';
import { ChatClient } from './support/chat-client';
import { BrowserCookies, sleep, TestSocket } from './support/sockets';
import { spawnEntry, SpawnedProcess } from './support/spawn';
import { createTestApp, TestApp, testEnvironment, uniqueNamespace } from './support/test-app';

// Fast presence clock for the test (defaults: 10 s / 30 s / 10 s): a killed instance's sockets
// expire 5 s after its last heartbeat (longer than a reconnect takes) and are swept within 0.5 s.
const PRESENCE = {
  PRESENCE_HEARTBEAT_MS: '500',
  PRESENCE_TTL_MS: '5000',
  PRESENCE_SWEEP_MS: '500',
  CHAT_SEND_LIMIT: '100000', // retries count as sends; the send limit has its own tests
  SOCKET_EVENT_BURST: '200', // 40 sends in one second, then resent at once (limits: socket-limits)
};
const MESSAGES = 40;

/** What an instance's "Expired sockets swept" log lines add up to. */
describe('Fault: one of two API instances is killed (SIGKILL) behind a failover proxy', () => {
  const namespace = uniqueNamespace('failover');
  const env = (port: number) =>
    testEnvironment(namespace, { ...PRESENCE, PORT: String(port), LOG_LEVEL: 'info' });
  let t: TestApp;
  let a: SpawnedProcess;
  let b: SpawnedProcess;
  let bUrl = '';
  let proxy: FailoverProxy;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    a = spawnEntry('src/main.ts', env(portA));
    b = spawnEntry('src/main.ts', env(portB));
    bUrl = `http://127.0.0.1:${portB}`;
    // In-process app on the same database and Redis prefix: signups, requests, database checks.
    t = await createTestApp({ namespace, env: PRESENCE });
    await Promise.all([
      a.waitForOutput(/API listening/, 150_000),
      b.waitForOutput(/API listening/, 150_000),
    ]);
    proxy = await startFailoverProxy([portA, portB]);
  }, 180_000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    for (const api of [a, b]) {
      if (api && api.child.exitCode === null && api.child.signalCode === null) {
        api.child.kill('SIGTERM');
        await api.exited;
      }
    }
    await proxy?.close();
    await t?.close();
  }, 30_000);

  const connect = async (x: UserSession, y: UserSession) => {
    const sent = await x.post(`/request/send/interested/${y.id}`).expect(200);
    await y.post(`/request/review/accepted/${sent.body.data._id}`).expect(200);
  };

  /** A browser tab logged in through the API, its SPA socket opened through the proxy. */
  const spaTab = async (emailId: string, password: string) => {
    const cookies = new BrowserCookies();
    const res = await request(t.server)
      .post('/auth/login')
      .set('X-Forwarded-For', randomClientIp())
      .send({ emailId, password })
      .expect(200);
    cookies.storeFrom(res, '/auth/login');
    const tab = TestSocket.openLikeSpa(proxy.url, cookies);
    sockets.push(tab);
    return tab;
  };

  it('sockets move to the surviving instance, presence is right within 60 s, every message is stored and delivered exactly once', async () => {
    const { body: aliceAccount } = await signUp(t, { firstName: 'Alice' });
    const alice = await logIn(t, aliceAccount.emailId);
    const bob = await signUpAndLogIn(t, { firstName: 'Bobby' });
    const carol = await signUpAndLogIn(t, { firstName: 'Carol' });
    await connect(alice, bob);
    await connect(carol, bob);

    // Bob (the recipient) is on instance B directly; Alice's SPA tab and Carol (a client that
    // will not reconnect) go through the proxy, so they are on A.
    const bobTab = await TestSocket.connect(bUrl, bob.cookieHeader());
    sockets.push(bobTab);
    await bobTab.waitFor('onlineList');
    const aliceTab = await spaTab(aliceAccount.emailId, aliceAccount.password);
    await aliceTab.waitFor('onlineList');
    const carolTab = await TestSocket.connect(proxy.url, carol.cookieHeader());
    sockets.push(carolTab);
    await carolTab.waitFor('onlineList');
    await bobTab.waitFor('userOnline', (id) => id === carol.id);
    expect(bobTab.of('userOnline')).toContain(alice.id);
    const [portA] = [...proxy.routed.keys()];
    expect(proxy.routed.size).toBe(1); // everyone through the proxy is on A so far
    expect(portA).not.toBe(Number(new URL(bUrl).port));

    const joined = await new Promise<{ ok: boolean }>((resolve) =>
      bobTab.emit('joinChat', { targetUserId: alice.id }, resolve),
    );
    expect(joined.ok).toBe(true);

    // Alice sends every 25 ms; A is killed after the 10th send, mid-stream.
    expect(aliceTab.socket.connected).toBe(true);
    const client = new ChatClient(aliceTab);
    for (let i = 0; i < MESSAGES; i++) {
      client.send(`failover-${i}`, bob.id, `message ${i}`);
      if (i === 9) {
        a.child.kill('SIGKILL');
      }
      await sleep(25);
    }
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await client.allAcked(20_000);
    expect(client.reconnects).toBeGreaterThanOrEqual(1);
    expect(aliceTab.socket.connected).toBe(true);
    expect(proxy.routed.get(Number(new URL(bUrl).port))).toBeGreaterThanOrEqual(1);

    // The recipient on B receives each message exactly once (the server emits once per stored
    // message, retries included), in send order.
    const ids = Array.from({ length: MESSAGES }, (_, i) => `failover-${i}`);
    await bobTab.waitFor(
      'messageReceived',
      () => new Set(bobTab.of('messageReceived').map((m) => m.clientMessageId)).size === MESSAGES,
      15_000,
    );
    // Every send is acked, and B emits before it acks; A's emits crossed Redis before it was
    // killed. Bob's own message, emitted to his tab by B after all that, comes after any duplicate.
    const fence = await new Promise<{ ok: boolean; message: { _id: string } }>((resolve) =>
      (bobTab.socket.emit as (...args: unknown[]) => void)(
        'sendMessage',
        { targetUserId: alice.id, text: 'fence' },
        resolve,
      ),
    );
    expect(fence.ok).toBe(true);
    await bobTab.waitFor('messageReceived', (m) => m._id === fence.message._id);
    const received = bobTab
      .of('messageReceived')
      .filter((m) => m.senderId === alice.id)
      .map((m) => m.clientMessageId);
    expect([...received].sort()).toEqual([...ids].sort());
    // Stored exactly once each, and the ack of a retry is the stored original.
    const stored = await t.connection
      .collection('messages')
      .find({ senderId: new Types.ObjectId(alice.id) })
      .toArray();
    expect(stored.map((m) => m.clientMessageId as string).sort()).toEqual([...ids].sort());
    for (const doc of stored) {
      expect(client.acked.get(doc.clientMessageId as string)?._id).toBe(doc._id.toHexString());
    }

    // Presence: Carol never reconnected: Bob hears she went offline, once the 5 s TTL and a
    // sweep have passed. Alice reconnected to B: she stays online, and no userOffline is sent for her.
    await bobTab.waitFor('userOffline', (id) => id === carol.id, 60_000);
    // Both of A's sockets (Alice's old one and Carol's) swept, by whichever instance's sweep
    // claimed them: only Alice's socket on B is left in the presence index.
    const redis = t.app.get<Redis>(REDIS_CLIENT);
    const indexed = async () =>
      (await redis.zrange('presence:sockets', 0, -1)).filter(
        (member) => member.startsWith(alice.id) || member.startsWith(carol.id),
      );
    const deadline = Date.now() + 30_000;
    while ((await indexed()).length > 1 && Date.now() < deadline) await sleep(50);
    const left = await indexed();
    expect(left).toHaveLength(1);
    expect(left[0].startsWith(`${alice.id}:`)).toBe(true);
    expect(await redis.exists(`presence:${carol.id}`)).toBe(0);
    expect(bobTab.of('userOffline')).toEqual([carol.id]);
    const store = t.app.get(PresenceStore);
    expect(await store.onlineAmong([alice.id, carol.id, bob.id])).toEqual([alice.id, bob.id]);
    const fresh = await TestSocket.connect(bUrl, bob.cookieHeader());
    sockets.push(fresh);
    expect([...(await fresh.waitFor('onlineList'))].sort()).toEqual([alice.id, bob.id].sort());
    // The tab still works end to end on B: a new message arrives once.
    client.send('after-failover', bob.id, 'still here');
    await client.allAcked(5000);
    await bobTab.waitFor('messageReceived', (m) => m.clientMessageId === 'after-failover');
    console.log(`failover: ${client.reconnects} reconnect(s), ${client.resends} resend(s)`);
  }, 60_000);
});
