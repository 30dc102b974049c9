'use strict';
// Socket scenarios, used by bench/run.js (and the socket helpers by bench/chat.js):
// - scale: N concurrent authenticated sockets on one API instance (sessions minted in bulk, see
//   seed.js `mintSessions`), sampling at 0, N/4, N/2 and N sockets the API's RSS and event-loop
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
 * handshakes at a time, and measures at 0 and at each of `steps` open sockets.
 * @returns {Promise<{ steps: object[], connectMs: object, failed: number }>}
 */
async function socketScale(api, cookies, { steps, parallel = 50, windowMs = 3000, settleMs = 1000, metricsToken, log = () => {} }) {
  const sockets = [];
  const connectSamples = [];
  let failed = 0;
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
  } finally {
    for (const socket of sockets) socket.close();
  }
  return { steps: rows, connectMs: stats(connectSamples), failed };
}

module.exports = { openSocket, ack, timeSends, sendLatency, socketScale };
