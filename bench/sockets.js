'use strict';
// Socket scenarios, used by bench/run.js (and the socket helpers by bench/chat.js):
// - scale: N concurrent authenticated sockets on one API instance (sessions minted in bulk, see
//   seed.js `mintSessions`), sampling at 0, N/4, N/2 and N sockets over 11 s windows the API's RSS and event-loop
//   delay (from the preloaded bench/probe.js, and from the API's /metrics when it serves them) and
//   the latency of a trivial HTTP request (`GET /health`, sequential) while the sockets are connected;
// - send → receive: sequential `sendMessage` acks timed to the receiver's `messageReceived`, with
//   both users on one instance, or the sender on instance A and the receiver on instance B (Redis
//   adapter between them).
const { io } = require('socket.io-client');
const { stats } = require('./harness');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One socket as the SPA opens it (cookies on the handshake), resolved once the server bound it to
 * the session (its `onlineList`); a parked socket (`authRequired`) rejects.
 * `websocket: true` skips the long-polling first leg (the scale test: fewer requests per socket).
 */
function openSocket(base, cookie, { websocket = false, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = io(base, {
      path: '/socket.io',
      withCredentials: true,
      extraHeaders: { cookie },
      forceNew: true,
      reconnection: false,
      ...(websocket ? { transports: ['websocket'] } : {}),
    });
    const fail = (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('socket was not bound in time')), timeoutMs);
    socket.once('onlineList', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('authRequired', (body) => fail(new Error(`socket parked: ${JSON.stringify(body)}`)));
    socket.once('connect_error', (error) => fail(error));
  });
}

/** Emits with an ack; resolves with an `{ ok: true }` answer, rejects otherwise. */
const ack = (socket, event, payload, timeoutMs = 10_000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${event}: no ack`)), timeoutMs);
    socket.emit(event, payload, (answer) => {
      clearTimeout(timer);
      if (answer && answer.ok) resolve(answer);
      else reject(new Error(`${event} refused: ${JSON.stringify(answer)}`));
    });
  });

/**
 * `n` sequential sends from `sender` to `receiverId` (the receiver's socket has joined the chat),
 * each timed from the emit to the receiver's `messageReceived`. Returns millisecond samples.
 */
async function timeSends(sender, receiver, receiverId, n, tag = 'bench') {
  const waiting = new Map();
  const onMessage = (message) => waiting.get(message.clientMessageId)?.();
  receiver.on('messageReceived', onMessage);
  const samples = [];
  try {
    for (let i = 0; i < n; i++) {
      const clientMessageId = `${tag}-${i}`;
      const received = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('messageReceived did not arrive')), 10_000);
        waiting.set(clientMessageId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const t0 = performance.now();
      await ack(sender, 'sendMessage', { targetUserId: String(receiverId), text: `hello ${i}`, clientMessageId });
      await received;
      samples.push(performance.now() - t0);
      waiting.delete(clientMessageId);
    }
  } finally {
    receiver.off('messageReceived', onMessage);
  }
  return samples;
}

/**
 * Send → receive latency between the seeded viewer and partner: the viewer's socket on `senderBase`,
 * the partner's on `receiverBase` (the same URL for one instance). `warmup` sends are discarded.
 */
async function sendLatency({ senderBase, receiverBase, senderCookie, receiverCookie, senderId, receiverId, n, warmup = 20, tag }) {
  const sender = await openSocket(senderBase, senderCookie);
  const receiver = await openSocket(receiverBase, receiverCookie);
  try {
    await ack(sender, 'joinChat', { targetUserId: String(receiverId) });
    await ack(receiver, 'joinChat', { targetUserId: String(senderId) });
    await timeSends(sender, receiver, receiverId, warmup, `${tag}-warmup`);
    return stats(await timeSends(sender, receiver, receiverId, n, tag));
  } finally {
    sender.close();
    receiver.close();
  }
}

/** Sequential `GET /health` for `ms`; returns millisecond samples. */
async function probeHttp(base, ms) {
  const samples = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const t0 = performance.now();
    const res = await fetch(`${base}/health`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
    samples.push(performance.now() - t0);
    await sleep(20);
  }
  return samples;
}

/**
 * The API's own Prometheus figures when it serves them (`GET /metrics` with METRICS_TOKEN, prom-client
 * default metrics): event-loop lag p50/p99 since the previous scrape (prom-client resets its
 * histogram on every scrape) and RSS. Null when /metrics is absent or refuses.
 */
async function scrapeMetrics(base, token) {
  if (!token) return null;
  try {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (res.status !== 200) return null;
    const value = (pattern) => {
      const match = text.match(new RegExp(`^\\w*${pattern}(?:\\{[^}]*\\})? ([-+\\d.eE]+)$`, 'm'));
      return match ? Number(match[1]) : null;
    };
    const p50 = value('eventloop_lag_p50_seconds');
    const p99 = value('eventloop_lag_p99_seconds');
    const rss = value('process_resident_memory_bytes');
    if (p50 === null && p99 === null && rss === null) return null;
    // prom-client reports the whole sampling interval (10 ms idle), as monitorEventLoopDelay does.
    return { loopP50: p50 === null ? null : p50 * 1000, loopP99: p99 === null ? null : p99 * 1000, rssMb: rss === null ? null : rss / 1048576 };
  } catch {
    return null;
  }
}

/**
 * Opens sockets for `cookies` (one per user) on `api` (started with `probe: true`), `parallel`
 * handshakes at a time, and measures at 0 and at each of `steps` open sockets, each over a window longer
 * than the presence heartbeat and sweep intervals (10 s), so their work is in it. Then, with every
 * socket still open, opens `extraCookies` all at once and reads the event-loop delay while those
 * handshakes are in flight (issue 15's target 5), then closes them.
 * @returns {Promise<{ steps: object[], connectMs: object, failed: number, duringHandshakes?: object }>}
 */
async function socketScale(api, cookies, { steps, parallel = 50, windowMs = 11_000, settleMs = 1000, metricsToken, extraCookies = [], log = () => {} }) {
  const sockets = [];
  const connectSamples = [];
  let failed = 0;
  let duringHandshakes;
  const measure = async (count) => {
    await sleep(settleMs);
    await api.probe('reset');
    await scrapeMetrics(api.base, metricsToken); // starts prom-client's window too
    const http = await probeHttp(api.base, windowMs);
    const sample = await api.probe('read');
    const metrics = await scrapeMetrics(api.base, metricsToken);
    const row = {
      sockets: count,
      rssMb: sample.rss,
      heapMb: sample.heapUsed,
      loopP50: sample.loop.p50,
      loopP99: sample.loop.p99,
      loopMax: sample.loop.max,
      httpP50: stats(http).p50,
      httpP99: stats(http).p99,
      metrics, // the API's /metrics over the same window, when served
    };
    log(row);
    return row;
  };
  const rows = [await measure(0)];
  try {
    let next = 0;
    for (const target of steps) {
      while (next < target) {
        const batch = cookies.slice(next, Math.min(target, next + parallel));
        next += batch.length;
        const opened = await Promise.allSettled(
          batch.map(async (cookie) => {
            const t0 = performance.now();
            const socket = await openSocket(api.base, cookie, { websocket: true });
            connectSamples.push(performance.now() - t0);
            return socket;
          }),
        );
        for (const result of opened) {
          if (result.status === 'fulfilled') sockets.push(result.value);
          else failed++;
        }
      }
      rows.push(await measure(sockets.length));
    }
    if (extraCookies.length > 0) {
      await sleep(settleMs);
      const { during, handshakeMs, failed: extraFailed } = await handshakesInFlight(api, extraCookies);
      duringHandshakes = {
        sockets: sockets.length,
        handshakes: extraCookies.length,
        loopP50: during.loop.p50,
        loopP99: during.loop.p99,
        loopMax: during.loop.max,
        rssMb: during.rss,
        handshakeMs,
        failed: extraFailed,
      };
    }
  } finally {
    for (const socket of sockets) socket.close();
  }
  return { steps: rows, connectMs: stats(connectSamples), failed, ...(duringHandshakes ? { duringHandshakes } : {}) };
}

/**
 * Opens one socket per cookie all at once, reads the API's probe while those handshakes are in
 * flight (reset just before), then closes them: the probe's reading, handshake ms and failures.
 */
async function handshakesInFlight(api, cookies) {
  await api.probe('reset');
  const more = await openMany(api.base, cookies, cookies.length);
  const during = await api.probe('read');
  for (const socket of more.sockets) socket.close();
  return { during, handshakeMs: stats(more.samples), failed: more.failed };
}

/** Opens one socket per cookie, `parallel` handshakes at a time; returns sockets, handshake ms and failures. */
async function openMany(base, cookies, parallel) {
  const sockets = [];
  const samples = [];
  let failed = 0;
  for (let next = 0; next < cookies.length; next += parallel) {
    const opened = await Promise.allSettled(
      cookies.slice(next, next + parallel).map(async (cookie) => {
        const t0 = performance.now();
        const socket = await openSocket(base, cookie, { websocket: true });
        samples.push(performance.now() - t0);
        return socket;
      }),
    );
    for (const result of opened) {
      if (result.status === 'fulfilled') sockets.push(result.value);
      else failed++;
    }
  }
  return { sockets, samples, failed };
}

/**
 * Standalone: `node bench/sockets.js --steps 5000,10000 [--idle-ms 21000]`. At each step, with all
 * sockets idle, the API's event-loop delay over `idle-ms` (longer than the presence heartbeat and
 * sweep intervals, 10 s) and second by second (its max shows bursts); then the delay while 50
 * more handshakes are in flight (those 50 timed, then closed). Needs `npm run build`.
 */
async function standalone() {
  const { parseArgs } = require('node:util');
  const { MongoClient } = require('mongodb');
  const { startServices, startApi, newNamespace, newSecrets } = require('./harness');
  const { seed, mintSessions } = require('./seed');
  const { values } = parseArgs({
    options: { steps: { type: 'string', default: '5000,10000' }, 'idle-ms': { type: 'string', default: '21000' }, parallel: { type: 'string', default: '50' } },
  });
  const steps = values.steps.split(',').map(Number);
  const idleMs = Number(values['idle-ms']);
  const parallel = Number(values.parallel);
  const extra = 50;
  const max = Math.max(...steps);
  const log = (m) => console.log(`[sockets ${new Date().toISOString().slice(11, 19)}] ${m}`);
  const f = (v) => v.toFixed(1);
  const services = await startServices();
  const client = await MongoClient.connect(services.mongo.uri);
  const db = newNamespace();
  const secrets = newSecrets();
  const api = await startApi(services, { db, secrets, env: { SOCKET_EVENTS_PER_SECOND: '1000000', SOCKET_EVENT_BURST: '1000000' }, probe: true });
  const open = [];
  try {
    const users = max + steps.length * extra + 2;
    const seeded = await seed(client, db, users, { conversation: 100 });
    log(`seeded ${users} users in ${seeded.seconds.toFixed(1)}s`);
    const cookies = await mintSessions(client, db, seeded.ids.slice(2), secrets.access);
    let used = 0;
    for (const [index, target] of steps.entries()) {
      const batch = await openMany(api.base, cookies.slice(used, target), parallel);
      used = target;
      open.push(...batch.sockets);
      if (batch.failed) log(`${batch.failed} sockets failed`);
      await sleep(1000);
      await api.probe('reset');
      const perSecond = [];
      const windowStart = Date.now();
      let whole = { p50: 0, p99: 0, max: 0 };
      const seconds = Math.round(idleMs / 1000);
      // Second by second: read, reset; the whole window is the worst second's view plus a merged p99
      const all = [];
      for (let s = 0; s < seconds; s++) {
        await sleep(1000);
        const sample = await api.probe('read');
        await api.probe('reset');
        perSecond.push(sample.loop.max);
        all.push(sample.loop);
      }
      whole = { p50: median(all.map((l) => l.p50)), p99: Math.max(...all.map((l) => l.p99)), max: Math.max(...all.map((l) => l.max)) };
      const idle = await api.probe('read');
      log(`${open.length} sockets idle ${Date.now() - windowStart} ms: loop delay p50 ${f(whole.p50)} worst-second p99 ${f(whole.p99)} max ${f(whole.max)} ms; RSS ${idle.rss.toFixed(0)} MB heap ${idle.heapUsed.toFixed(0)} MB`);
      log(`  max per second: ${perSecond.map((v) => v.toFixed(0)).join(' ')}`);
      const { during, handshakeMs: hs, failed: extraFailed } = await handshakesInFlight(api, cookies.slice(max + index * extra, max + (index + 1) * extra));
      log(`  +${extra} handshakes: loop delay p50 ${f(during.loop.p50)} p99 ${f(during.loop.p99)} max ${f(during.loop.max)} ms; handshake p50 ${f(hs.p50)} p99 ${f(hs.p99)} ms; RSS ${during.rss.toFixed(0)} MB; failed ${extraFailed}`);
    }
  } finally {
    for (const socket of open) socket.close();
    await api.stop();
    await client.close();
    await services.stop();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

module.exports = { openSocket, ack, timeSends, sendLatency, socketScale };

if (require.main === module) {
  standalone().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
