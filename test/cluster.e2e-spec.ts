import { Types } from 'mongoose';
import { startCluster, type ClusterHandle } from '../scripts/cluster';
import { SessionsService } from '../src/modules/auth/sessions.service';
import type { JoinChatAck } from '../src/modules/presence/presence.events';
import { PresenceStore } from '../src/modules/presence/presence.store';
import { ChatClient } from './support/chat-client';
import { BrowserCookies, sleep, TestSocket } from './support/sockets';
import {
  createTestApp,
  TEST_FRONTEND_URL,
  TestApp,
  testEnvironment,
  uniqueNamespace,
} from './support/test-app';

const PAIRS = 100; // 200 users, one SPA socket each
const MESSAGES_PER_SENDER = 5;
const PRESENCE = {
  PRESENCE_HEARTBEAT_MS: '1000',
  PRESENCE_TTL_MS: '5000',
  PRESENCE_SWEEP_MS: '1000',
  CHAT_SEND_LIMIT: '100000',
  // Everyone is one address behind nginx here: no per-address handshake limit in this test.
  SOCKET_ANON_HANDSHAKES_PER_IP_PER_MINUTE: '100000',
  SOCKET_ANON_HANDSHAKES_PER_SECOND: '100000',
};

/** Users who are each other's accepted connection, two by two, stored as the API stores them. */
async function insertPairs(t: TestApp, pairs: number): Promise<Types.ObjectId[]> {
  const now = new Date();
  const ids = Array.from({ length: pairs * 2 }, () => new Types.ObjectId());
  await t.connection.collection('users').insertMany(
    ids.map((_id, i) => ({
      _id,
      firstName: `Member${i}`,
      emailId: `member${i}-${_id.toHexString()}@cluster.test`,
      password: 'not-used: sessions are started directly',
      about: '',
      skills: [],
      skillsKey: [],
      githubUsername: null,
      membershipType: 'FREE',
      billingCycle: null,
      membershipExpiry: null,
      onboardingComplete: true,
      emailVerified: true,
      createdAt: now,
      updatedAt: now,
      __v: 0,
    })),
  );
  await t.connection.collection('connectionmodels').insertMany(
    Array.from({ length: pairs }, (_, p) => {
      const [a, b] = [ids[2 * p], ids[2 * p + 1]];
      return {
        pairKey: [a.toHexString(), b.toHexString()].sort().join('_'),
        fromUserId: a,
        toUserId: b,
        status: 'accepted',
        createdAt: now,
        updatedAt: now,
        __v: 0,
      };
    }),
  );
  return ids;
}

describe('Cluster: nginx in front of three APIs, a rolling restart while messages flow', () => {
  const namespace = uniqueNamespace('cluster');
  let t: TestApp;
  let cluster: ClusterHandle | undefined;
  let output = '';
  const tabs: TestSocket[] = [];

  beforeAll(async () => {
    t = await createTestApp({ namespace, env: PRESENCE });
    cluster = await startCluster({
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...testEnvironment(namespace, { ...PRESENCE, LOG_LEVEL: 'warn' }),
      },
      apis: 3,
      workers: 0,
      onOutput: (name, chunk) => (output += `[${name}] ${chunk.toString()}`),
    });
  }, 120_000);

  afterAll(async () => {
    tabs.forEach((tab) => tab.close());
    await cluster?.stop();
    await t?.close();
  }, 60_000);

  it("what nginx answers itself is the API's envelope, readable by the SPA", async () => {
    const res = await fetch(`${cluster!.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_FRONTEND_URL },
      body: JSON.stringify({ emailId: 'x'.repeat(200_000) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('access-control-allow-origin')).toBe(TEST_FRONTEND_URL);
    expect(await res.json()).toEqual({
      success: false,
      message: 'Request body too large (limit 100kb)',
      code: 'BODY_TOO_LARGE',
    });
    // A proxied answer carries the id the API logged it under.
    const health = await fetch(`${cluster!.url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('200 SPA sockets through nginx: 0 messages lost, 0 duplicated, everyone back online', async () => {
    const ids = await insertPairs(t, PAIRS);
    const sessions = t.app.get(SessionsService);
    for (const id of ids) {
      const { accessToken } = await sessions.start(id, { userAgent: 'cluster-test' });
      const cookies = new BrowserCookies();
      cookies.set('accessToken', accessToken, '/');
      tabs.push(TestSocket.openLikeSpa(cluster!.url, cookies));
    }
    await Promise.all(tabs.map((tab) => tab.waitFor('onlineList', () => true, 30_000)));
    const store = t.app.get(PresenceStore);
    const everyone = ids.map(String);
    expect((await store.onlineAmong(everyone)).sort()).toEqual([...everyone].sort());

    // Receivers open their chat once, as the SPA's chat page does on mount, and never again:
    // after the roll their tabs resume it on whichever instance they land on.
    const receivers = Array.from({ length: PAIRS }, (_, p) => tabs[2 * p + 1]);
    const joined = receivers.map(
      (tab, p) =>
        new Promise<JoinChatAck>((resolve) =>
          (tab.socket.emit as (...args: unknown[]) => void)(
            'joinChat',
            { targetUserId: ids[2 * p].toHexString() },
            resolve,
          ),
        ),
    );
    expect((await Promise.all(joined)).every((ack) => ack.ok)).toBe(true);

    // Senders are the first of each pair; each message carries its own clientMessageId.
    const senders = Array.from({ length: PAIRS }, (_, p) => new ChatClient(tabs[2 * p]));
    const sendRound = (round: number) =>
      senders.forEach((client, p) =>
        client.send(`m-${p}-${round}`, ids[2 * p + 1].toHexString(), `round ${round}`),
      );
    sendRound(0);
    const rolling = cluster!.roll();
    for (let round = 1; round < MESSAGES_PER_SENDER; round++) {
      await sleep(1000);
      sendRound(round);
    }
    const stepSeconds = await rolling;
    expect(stepSeconds).toHaveLength(3);
    await Promise.all(senders.map((client) => client.allAcked(30_000)));

    // Stored exactly once each.
    const stored = await t.connection
      .collection('messages')
      .aggregate<{ _id: string; count: number }>([
        { $match: { senderId: { $in: ids.filter((_, i) => i % 2 === 0) } } },
        { $group: { _id: '$clientMessageId', count: { $sum: 1 } } },
      ])
      .toArray();
    expect(stored).toHaveLength(PAIRS * MESSAGES_PER_SENDER);
    expect(stored.filter((row) => row.count !== 1)).toEqual([]);
    // No receiver was handed the same message twice.
    for (let p = 0; p < PAIRS; p++) {
      const received = tabs[2 * p + 1].of('messageReceived').map((m) => m.clientMessageId);
      expect(new Set(received).size).toBe(received.length);
    }

    // Everyone reconnected (the restarts closed every transport) and is online again.
    expect(senders.every((client) => client.reconnects >= 1)).toBe(true);
    for (const tab of tabs) if (!tab.socket.connected) await tab.nextConnect(15_000);
    let online: string[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      online = await store.onlineAmong(everyone);
      if (online.length === everyone.length) break;
      await sleep(200);
    }
    expect(online.sort()).toEqual([...everyone].sort());

    // Every receiver's tab is back in its chat without joining again: a last round reaches all.
    sendRound(MESSAGES_PER_SENDER);
    await Promise.all(senders.map((client) => client.allAcked(30_000)));
    await Promise.all(
      receivers.map((tab, p) =>
        tab.waitFor(
          'messageReceived',
          (m) => m.clientMessageId === `m-${p}-${MESSAGES_PER_SENDER}`,
          30_000,
        ),
      ),
    );
    for (const tab of receivers) {
      const received = tab.of('messageReceived').map((m) => m.clientMessageId);
      expect(new Set(received).size).toBe(received.length);
    }
    expect(output).not.toMatch(/"level":50/);
    const resends = senders.reduce((sum, client) => sum + client.resends, 0);
    console.log(
      `cluster: roll steps ${stepSeconds.map((s) => s.toFixed(1)).join(' / ')} s, ` +
        `${stored.length} messages stored once each, ${resends} resend(s) after reconnects`,
    );
  }, 180_000); // about 40 s alone; three APIs, nginx and 200 sockets share 2 cores with the suite
});
