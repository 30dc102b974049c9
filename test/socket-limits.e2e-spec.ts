import { spawn } from 'node:child_process';
import { PRESENCE_ERRORS } from '../src/modules/presence/presence.errors';
import { PresenceGateway } from '../src/modules/presence/presence.gateway';
import { PresenceStore } from '../src/modules/presence/presence.store';
import { FLOOD_CLOSE_BURSTS } from '../src/modules/presence/socket-limits';
import { randomClientIp, signUpAndLogIn, UserSession } from './support/session';
import { sleep, TestSocket } from './support/sockets';
import { createTestApp, TestApp, uniqueNamespace } from './support/test-app';

// Small limits so each is reached in a few events (defaults in .env.example).
const LIMITS = {
  SOCKET_EVENTS_PER_SECOND: '5',
  SOCKET_EVENT_BURST: '10',
  SOCKET_MAX_PER_USER: '3',
  SOCKET_ANON_HANDSHAKES_PER_IP_PER_MINUTE: '6',
  SOCKET_ANON_HANDSHAKES_PER_SECOND: '20',
  SOCKET_PARKED_IDLE_MS: '1500',
};
const RATE_LIMITED = PRESENCE_ERRORS.tooManyEvents.message;

type Ack = { ok: boolean; error?: string };

/** Emits with an acknowledgement callback; resolves with the answer. */
function ask(socket: TestSocket, event: string, payload: unknown, timeoutMs = 5000): Promise<Ack> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), timeoutMs);
    (socket.socket.emit as (...args: unknown[]) => void)(event, payload, (answer: Ack) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** A handshake as a script would send it: engine.io polling open, no cookie. Resolves the status. */
async function anonymousHandshake(url: string, ip: string): Promise<number> {
  const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, {
    headers: { 'X-Forwarded-For': ip },
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Runs `total` anonymous engine.io handshakes (`concurrency` in flight, a random
 * X-Forwarded-For each) in a child Node process; resolves with their HTTP statuses (0: failed).
 */
async function floodFromChildProcess(url: string, total: number, concurrency: number) {
  const script = `
    const [url, total, concurrency] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
    const octet = () => Math.floor(Math.random() * 254) + 1;
    const statuses = [];
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        const ip = '10.' + octet() + '.' + octet() + '.' + octet();
        const status = await fetch(url + '/socket.io/?EIO=4&transport=polling', {
          headers: { 'X-Forwarded-For': ip },
        }).then(async (res) => (await res.arrayBuffer(), res.status), (error) => {
          if (!failed++) process.stderr.write('flood handshake failed: ' + (error.cause?.code ?? error.message) + '\\n');
          return 0;
        });
        statuses.push(status);
      }
    };
    Promise.all(Array.from({ length: concurrency }, worker)).then(() =>
      process.stdout.write(JSON.stringify(statuses)),
    );`;
  const child = spawn(process.execPath, ['-e', script, url, String(total), String(concurrency)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(output) as number[];
}

describe('Socket limits (per-socket event rate, max payload, sockets per user, anonymous handshakes)', () => {
  let one: TestApp;
  let two: TestApp;
  let user: UserSession;
  const sockets: TestSocket[] = [];

  const open = async (app: TestApp, session: UserSession) => {
    const socket = await TestSocket.connect(app.url, session.cookieHeader());
    sockets.push(socket);
    await socket.waitFor('onlineList');
    return socket;
  };

  beforeAll(async () => {
    const namespace = uniqueNamespace('socketlimits');
    one = await createTestApp({ namespace, listen: true, keepData: true, env: LIMITS });
    two = await createTestApp({ namespace, listen: true, env: LIMITS });
    user = await signUpAndLogIn(one, { firstName: 'Lima' });
  }, 60_000);

  // A test's sockets close after it, so none counts towards the next test's per-user limit.
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('events over the per-socket rate are dropped (acked as rate limited, one rateLimited notice); the socket stays connected and recovers', async () => {
    const socket = await open(one, user);
    // `typing` with a bad payload: answered at once without touching the database.
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => ask(socket, 'typing', { targetUserId: 'x' })),
    );
    const limited = answers.filter((a) => a.error === RATE_LIMITED);
    expect(answers.length - limited.length).toBeGreaterThanOrEqual(10); // the burst
    expect(answers.length - limited.length).toBeLessThanOrEqual(11); // plus at most one refill
    expect(limited.length).toBeGreaterThanOrEqual(14);
    const notice = await socket.waitFor('rateLimited');
    expect(notice).toEqual({
      event: 'typing',
      message: RATE_LIMITED,
      retryAfterMs: expect.any(Number) as number,
    });
    expect(socket.of('rateLimited')).toHaveLength(1); // one notice, not one per dropped event
    expect(socket.socket.connected).toBe(true);
    await sleep(400); // two tokens back at 5/s
    const again = await ask(socket, 'typing', { targetUserId: 'x' });
    expect(again.ok).toBe(false);
    expect(again.error).not.toBe(RATE_LIMITED);
  });

  it('a socket that keeps flooding far over the rate has its transport closed; the user’s other socket is untouched', async () => {
    const flooder = await open(one, user);
    const other = await open(one, user);
    const closed = flooder.nextDisconnect(5000);
    for (let i = 0; i < FLOOD_CLOSE_BURSTS * 10 + 50; i++) flooder.emit('register', user.id);
    expect(await closed).toBe('transport close');
    const answer = await ask(other, 'typing', { targetUserId: 'x' });
    expect(answer.error).not.toBe(RATE_LIMITED);
    expect(other.socket.connected).toBe(true);
  });

  it('a frame over SOCKET_MAX_PAYLOAD_BYTES (16 KB) closes that connection only; one under it is read', async () => {
    const big = await open(one, user);
    const bystander = await open(one, user);
    // Just under the limit: read and answered (an unknown field, refused by validation).
    const under = await ask(big, 'typing', { targetUserId: 'x', pad: 'a'.repeat(15_000) });
    expect(under.ok).toBe(false);
    expect(under.error).not.toBe(RATE_LIMITED);
    const closed = big.nextDisconnect(5000);
    big.emit('typing', { targetUserId: 'x', pad: 'a'.repeat(20_000) });
    expect(['transport close', 'transport error']).toContain(await closed);
    expect(bystander.socket.connected).toBe(true);
    const answer = await ask(bystander, 'typing', { targetUserId: 'x' });
    expect(answer.error).not.toBe(RATE_LIMITED);
  });

  it('a user’s sockets over SOCKET_MAX_PER_USER: the oldest is told and disconnected for good, on whichever instance it is', async () => {
    const capped = await signUpAndLogIn(one, { firstName: 'Capa' });
    const store = one.app.get(PresenceStore);
    const first = await open(one, capped);
    await sleep(5); // distinct connection times
    const second = await open(one, capped);
    const third = await open(two, capped);
    const dropped = first.nextDisconnect(5000);
    const fourth = await open(two, capped); // on the other instance: evicts the oldest, on one
    expect(await first.waitFor('connectionLimit')).toEqual({
      message: PRESENCE_ERRORS.tooManySockets.message,
      limit: 3,
    });
    expect(await dropped).toBe('io server disconnect'); // final: socket.io-client does not retry
    // The others answer an event after the eviction: still connected, still bound.
    for (const socket of [second, third, fourth]) {
      expect((await ask(socket, 'typing', { targetUserId: 'x' })).error).not.toBe(RATE_LIMITED);
      expect(socket.socket.connected).toBe(true);
    }
    expect(second.of('connectionLimit')).toEqual([]);
    // Still online (three live sockets); the oldest is gone from the store.
    expect(await store.onlineAmong([capped.id])).toEqual([capped.id]);
    const local = one.app.get(PresenceGateway).server.sockets.sockets;
    expect(local.has(first.socket.id ?? 'gone')).toBe(false);
  });

  it('parked sockets that never authenticate are closed after SOCKET_PARKED_IDLE_MS', async () => {
    const anonymous = await TestSocket.connect(one.url);
    sockets.push(anonymous);
    await anonymous.waitFor('authRequired');
    expect(anonymous.socket.connected).toBe(true); // parked first, closed only once idle
    expect(await anonymous.nextDisconnect(5000)).toBe('transport close');
  });

  it('a flood of 600 anonymous handshakes is mostly refused (403) while a signed-in user still connects and round-trips', async () => {
    const roundTrip = async () => {
      const socket = await open(one, user); // handshake, identification, onlineList
      const answer = await ask(socket, 'typing', { targetUserId: 'x' }); // one event round trip
      expect(answer.error).not.toBe(RATE_LIMITED);
    };
    await roundTrip();
    const ip = randomClientIp();
    // One IP: its per-minute allowance, then 403.
    const single = [];
    for (let i = 0; i < 8; i++) single.push(await anonymousHandshake(two.url, ip));
    expect(single.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(single.slice(6)).toEqual([403, 403]);

    // 600 handshakes from 600 addresses, 40 in flight at a time, from another process (so the
    // flood's client work does not share this process's event loop with the server).
    const flooding = floodFromChildProcess(one.url, 600, 40);
    await roundTrip(); // a signed-in handshake is never limited, flood or not
    const statuses = await flooding;
    expect(statuses).toHaveLength(600);
    const admitted = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 403).length;
    // The rate itself (a burst of 2 × 20, then 20 a second) is the HandshakeGuard unit spec's.
    expect(refused).toBeGreaterThan(0);
    expect(admitted + refused).toBeGreaterThanOrEqual(570); // a few may fail on a loaded machine
    await roundTrip();
  }, 120_000); // 600 handshakes take 5–30 s depending on the machine's load
});
