'use strict';
// `npm run bench:cluster` (short profile: 2 minutes) and `npm run bench:cluster -- --profile full`
// (10 minutes): a soak of the deployed topology. nginx in front of 3 APIs and 2 workers
// (scripts/cluster.js), SPA-like sockets chatting in pairs and a few HTTP loops through nginx,
// while, one after the other: a rolling restart, one API SIGKILLed, one worker SIGKILLed and the
// Redis server restarted (down ~3 s). Then every message the clients sent is looked up in MongoDB:
//   lost (sent, never stored), stored twice, or handed to its receiver twice: each must be 0,
//   else the exit code is 1.
// Also reported: presence after each event (the presence store in Redis against the sockets that
// are connected), 5xx by status and by event, HTTP and send → receive latency, reconnect times,
// per-instance RSS and event-loop delay. Written to bench/results/cluster-<iso>.json (the
// instances' output goes to cluster-<iso>.log beside it, not committed).
//
//   node bench/cluster-soak.js [--profile short|full] [--sockets N] [--rate msgs/s]
//                              [--http-loops N] [--seconds S]        (`npm run build` first)
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { parseArgs } = require('node:util');
const { MongoClient } = require('mongodb');
const Redis = require('ioredis');
const { io } = require('socket.io-client');
const { startServices, analyzeDatabase, newNamespace, newSecrets, stats, APP_DIR } = require('./harness');
const { seed, mintSessions } = require('./seed');
const { startCluster, waitUntilReady } = require('../scripts/cluster');
const { freePort, redisAnswersPing, ROOT } = require('../scripts/services');

const PROFILES = {
  short: { seconds: 120, sockets: 1000 },
  full: { seconds: 600, sockets: 3000 },
};
// Where in the run each event is planned (fraction of the duration); an event also waits for the
// previous one to settle, so on a slow machine the run gets longer rather than events overlapping.
const EVENT_AT = [0.12, 0.35, 0.55, 0.75];
const EVENT_GAP_MS = 5000;
const PRESENCE_TIMEOUT_MS = 60_000; // > PRESENCE_TTL_MS + PRESENCE_SWEEP_MS (defaults 30 s + 10 s)
const DRAIN_TIMEOUT_MS = 60_000;
// Sockets are placed by client address (nginx `hash $remote_addr`): clients spread over this many
// loopback addresses, so sockets land on every instance as real users' would.
const SOURCE_ADDRESSES = 64;
const OPEN_BATCH = 100;
const ACK_TIMEOUT_MS = 20_000;
// The SPA's HTTP requests, weighted roughly as a session makes them (contract §9.2).
const HTTP_MIX = [
  { weight: 30, name: 'feed', path: () => `/user/feed?page=${1 + crypto.randomInt(3)}&limit=10` },
  { weight: 15, name: 'requests-received', path: () => '/user/requests/received' },
  { weight: 15, name: 'connections', path: () => '/user/connections' },
  { weight: 10, name: 'chat-recent', path: () => '/chat/recent' },
  { weight: 10, name: 'profile', path: () => '/profile' },
  { weight: 10, name: 'payment-status', path: () => '/payment/status' },
  { weight: 5, name: 'chat-history', path: (user) => `/chat/${user.partnerId}` },
  { weight: 5, name: 'skills', path: () => '/skills' },
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (message) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);
const round = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits);
const inc = (counts, key, by = 1) => (counts[key] = (counts[key] || 0) + by);

/** Polls `predicate` every 100 ms; resolves with its last value (false at the timeout). */
async function until(predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate() && Date.now() < deadline) await sleep(100);
  return predicate();
}

function options() {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'short' },
      sockets: { type: 'string' },
      seconds: { type: 'string' },
      rate: { type: 'string', default: '30' },
      'http-loops': { type: 'string', default: '4' },
    },
  });
  const profile = PROFILES[values.profile];
  if (!profile) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
  const positive = (name, text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants a positive integer, got "${text}"`);
    return n;
  };
  const sockets = values.sockets ? positive('sockets', values.sockets) : profile.sockets;
  if (sockets < 2 || sockets % 2) throw new Error('--sockets must be even (users chat in pairs)');
  return {
    profile: values.profile,
    sockets,
    seconds: values.seconds ? positive('seconds', values.seconds) : profile.seconds,
    rate: positive('rate', values.rate),
    httpLoops: positive('http-loops', values['http-loops']),
  };
}

// ---------------------------------------------------------------------------------------------
// A private Redis: the soak stops and starts it, which a shared one must not suffer.

class PrivateRedis {
  constructor(dir, port) {
    Object.assign(this, { dir, port, child: undefined, url: `redis://127.0.0.1:${port}` });
  }

  async start() {
    const out = fs.openSync(path.join(this.dir, 'redis.log'), 'a');
    this.child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const deadline = Date.now() + 15_000;
    while (!(await redisAnswersPing(this.port))) {
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on ${this.port} (see ${this.dir}/redis.log)`);
      await sleep(100);
    }
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Data: seeded users (feed, requests, connections for the HTTP mix) and, for the sockets, pairs of
// users who are each other's accepted connection.

async function seedPairs(client, db, sockets) {
  const chats = 10; // seed.js's viewer chats (users 0…11): kept out of the pairs
  const seeded = await seed(client, db, sockets + chats + 2, { conversation: 100, chats });
  const ids = seeded.ids.slice(chats + 2);
  const database = client.db(db);
  // Every pair user can use the whole SPA (seed.js leaves some unverified or mid-onboarding).
  await database.collection('users').updateMany({ _id: { $in: ids } }, { $set: { emailVerified: true, onboardingComplete: true } });
  // Pair (2p, 2p+1) is an accepted connection; seed.js's random links may already hold that pair
  // with another status: replaced (pairKey is unique once the API has built its indexes).
  const now = new Date();
  const pairs = [];
  for (let p = 0; p < ids.length / 2; p++) {
    const [a, b] = [ids[2 * p], ids[2 * p + 1]];
    pairs.push({ pairKey: [String(a), String(b)].sort().join('_'), fromUserId: a, toUserId: b, status: 'accepted', createdAt: now, updatedAt: now, __v: 0 });
  }
  const connections = database.collection('connectionmodels');
  await connections.deleteMany({ pairKey: { $in: pairs.map((p) => p.pairKey) } });
  await connections.insertMany(pairs, { ordered: false });
  return { seeded, ids };
}

// ---------------------------------------------------------------------------------------------
// SPA-like clients: one socket each (cookie auth, default transports, reconnection on). Users 2p
// send to 2p+1. Every send carries a clientMessageId and an ack; every unacknowledged send is sent
// again after each reconnect (test/support/chat-client.ts), and after a refusal or an ack timeout.

const agents = Array.from({ length: SOURCE_ADDRESSES }, (_, i) => new http.Agent({ localAddress: `127.0.1.${i + 1}` }));

class Soak {
  constructor({ url, users, cookies, tag }) {
    Object.assign(this, { url, tag });
    this.users = users.map((userId, i) => ({
      index: i,
      userId: String(userId),
      partnerId: String(users[i % 2 ? i - 1 : i + 1]),
      sender: i % 2 === 0,
      cookie: cookies[i],
      socket: undefined,
      bound: false, // the server sent onlineList since the last connect: the socket is bound to the session
      parked: false, // the server sent authRequired since the last connect (no identity)
      joined: false,
      disconnectedAt: undefined,
      seq: 0,
      pending: new Set(), // clientMessageIds sent, not acknowledged
    }));
    this.messages = new Map(); // clientMessageId → { sender, firstSentAt, ackedAt, emits, deliveries, receivedAt }
    this.reconnects = []; // { at, ms }: disconnect → connect of one socket
    this.disconnects = []; // { at, reason }
    this.counts = { connectErrors: 0, parked: 0, refusals: {}, ackTimeouts: 0, joinFailures: {}, emits: 0, resends: 0 };
    this.sendToReceive = [];
    this.sendToAck = [];
  }

  open(user) {
    // The client reads this object at every (re)connect; its websocket transport adds its own
    // cookie jar to it as `cookie` (what the handshake set): reset it to the browser's cookie.
    const headers = { Cookie: user.cookie };
    const socket = io(this.url, {
      path: '/socket.io',
      withCredentials: true,
      extraHeaders: headers,
      forceNew: true, // one browser tab each, not one multiplexed connection
      agent: agents[user.index % SOURCE_ADDRESSES],
    });
    socket.io.on('reconnect_attempt', () => {
      delete headers.cookie;
      headers.Cookie = user.cookie;
    });
    user.socket = socket;
    let mounted = false;
    socket.on('connect', () => {
      user.parked = false;
      if (user.disconnectedAt !== undefined) {
        this.reconnects.push({ at: Date.now(), ms: Date.now() - user.disconnectedAt });
        user.disconnectedAt = undefined;
      }
      // The SPA's layout emits `register` on mount only (contract §9.3).
      if (!mounted) socket.emit('register', user.userId);
      mounted = true;
      // Rooms do not survive a reconnect: join the chat again on every connect.
      this.join(user);
      for (const id of user.pending) {
        this.counts.resends++;
        this.emitSend(user, id);
      }
    });
    socket.on('onlineList', () => (user.bound = true));
    socket.on('authRequired', () => {
      user.parked = true;
      this.counts.parked++;
    });
    socket.on('connect_error', () => this.counts.connectErrors++);
    socket.on('disconnect', (reason) => {
      user.bound = false;
      user.joined = false;
      user.disconnectedAt = Date.now();
      this.disconnects.push({ at: Date.now(), reason });
    });
    socket.on('messageReceived', (message) => {
      if (message.senderId === user.userId) return; // the sender's own copy
      const sent = this.messages.get(message.clientMessageId);
      if (!sent) return;
      sent.deliveries++;
      if (sent.deliveries === 1) this.sendToReceive.push(Date.now() - sent.firstSentAt);
    });
  }

  join(user) {
    const socket = user.socket;
    socket.timeout(ACK_TIMEOUT_MS).emit('joinChat', { targetUserId: user.partnerId }, (error, answer) => {
      if (!error && answer?.ok) return void (user.joined = true);
      if (error && !socket.connected) return void inc(this.counts.joinFailures, 'disconnected'); // joins again on connect
      inc(this.counts.joinFailures, error ? 'timeout' : answer?.error ?? 'refused');
      setTimeout(() => socket.connected && !user.joined && !this.closed && this.join(user), 1000);
    });
  }

  /** Opens every socket, OPEN_BATCH handshakes at a time; resolves when all are bound and joined (or at the timeout). */
  async openAll(timeoutMs) {
    for (let i = 0; i < this.users.length; i += OPEN_BATCH) {
      const batch = this.users.slice(i, i + OPEN_BATCH);
      batch.forEach((user) => this.open(user));
      await until(() => batch.every((u) => u.bound && u.joined), 30_000);
    }
    await until(() => this.users.every((u) => u.bound && u.joined), timeoutMs);
    return this.users.filter((u) => u.bound && u.joined).length;
  }

  /** A new message from `user` (what the user types; sent whatever the socket's state, as the SPA does). */
  send(user) {
    const id = `${this.tag}-${user.index}-${user.seq++}`;
    this.messages.set(id, { sender: user.index, firstSentAt: Date.now(), ackedAt: undefined, emits: 0, deliveries: 0 });
    user.pending.add(id);
    this.emitSend(user, id);
  }

  emitSend(user, id) {
    const message = this.messages.get(id);
    message.emits++;
    this.counts.emits++;
    user.socket.timeout(ACK_TIMEOUT_MS).emit('sendMessage', { targetUserId: user.partnerId, text: `soak ${id}`, clientMessageId: id }, (error, answer) => {
      if (!user.pending.has(id)) return; // acknowledged by an earlier emit
      if (!error && answer?.ok) {
        user.pending.delete(id);
        message.ackedAt = Date.now();
        this.sendToAck.push(message.ackedAt - message.firstSentAt);
        return;
      }
      // A disconnect fails the ack too: the `connect` handler sends it again then.
      if (error && !user.socket.connected) return;
      if (error) this.counts.ackTimeouts++;
      else inc(this.counts.refusals, answer?.error ?? 'no answer');
      // Refused (e.g. Redis down) or unanswered while connected: the SPA shows it failed; retry.
      setTimeout(() => {
        if (user.pending.has(id) && user.socket.connected && !this.closed) this.emitSend(user, id);
      }, 1000);
    });
  }

  get senders() {
    return this.users.filter((u) => u.sender);
  }

  pendingCount() {
    return this.users.reduce((sum, u) => sum + u.pending.size, 0);
  }

  close() {
    this.closed = true;
    for (const user of this.users) user.socket?.close();
    for (const agent of agents) agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP loops: a few concurrent SPA users, one request at a time each, through nginx.

function httpLoops({ url, users, loops, isRunning }) {
  const samples = [];
  const byRoute = {};
  const byStatus = {};
  const failures = []; // { at, status } for 5xx and network errors
  const total = HTTP_MIX.reduce((s, r) => s + r.weight, 0);
  const pick = () => {
    let n = crypto.randomInt(total);
    for (const route of HTTP_MIX) if ((n -= route.weight) < 0) return route;
    return HTTP_MIX[0];
  };
  const loop = async () => {
    while (isRunning()) {
      const user = users[crypto.randomInt(users.length)];
      const route = pick();
      const t0 = performance.now();
      let status;
      try {
        const res = await fetch(`${url}${route.path(user)}`, { headers: { cookie: user.cookie }, signal: AbortSignal.timeout(15_000) });
        await res.arrayBuffer();
        status = String(res.status);
      } catch (error) {
        status = error.name === 'TimeoutError' ? 'timeout' : 'network error';
      }
      const ms = performance.now() - t0;
      samples.push(ms);
      (byRoute[route.name] ??= []).push(ms);
      inc(byStatus, status);
      if (!/^[1-4]\d\d$/.test(status)) failures.push({ at: Date.now(), status });
      await sleep(20); // a user's think time, short: the loops stand for many users
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return { done, samples, byRoute, byStatus, failures };
}

// ---------------------------------------------------------------------------------------------
// Instances: RSS from /proc, event-loop delay and bound sockets from each API's /metrics.

function rssMb(pid) {
  try {
    const match = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function scrape(base, token) {
  try {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(3000) });
    if (res.status !== 200) return null;
    const text = await res.text();
    // Every series carries the registry's default label (process="api"), in any order with others.
    const value = (name, { label = '', scale = 1 } = {}) => {
      const match = text.match(new RegExp(`^${name}\\{[^}]*${label}[^}]*\\} ([-+\\d.eE]+)$`, 'm'));
      return match ? Number(match[1]) * scale : null;
    };
    return {
      loopP50: value('nodejs_eventloop_lag_p50_seconds', { scale: 1000 }),
      loopP99: value('nodejs_eventloop_lag_p99_seconds', { scale: 1000 }),
      boundSockets: value('devlink_socketio_connected_sockets', { label: 'state="bound"' }),
    };
  } catch {
    return null;
  }
}

class InstanceSampler {
  constructor(cluster, metricsToken) {
    this.cluster = cluster;
    this.metricsToken = metricsToken;
    this.apis = cluster.apis.map((api) => ({ name: api.process.name, rss: [], loopP50: [], loopP99: [], boundSockets: null }));
    this.workers = cluster.workers.map((w) => ({ name: w.name, rss: [] }));
  }

  async sample() {
    await Promise.all(
      this.cluster.apis.map(async (api, i) => {
        const row = this.apis[i];
        const rss = api.process.child ? rssMb(api.process.child.pid) : null;
        if (rss !== null) row.rss.push(rss);
        const metrics = await scrape(api.url, this.metricsToken); // prom-client resets the lag histogram per scrape
        if (metrics) {
          if (metrics.loopP50 !== null) row.loopP50.push(metrics.loopP50);
          if (metrics.loopP99 !== null) row.loopP99.push(metrics.loopP99);
          row.boundSockets = metrics.boundSockets;
        }
      }),
    );
    this.cluster.workers.forEach((w, i) => {
      const rss = w.child ? rssMb(w.child.pid) : null;
      if (rss !== null) this.workers[i].rss.push(rss);
    });
  }

  start(everyMs = 5000) {
    const tick = () => {
      this.running = this.sample().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, everyMs);
      });
    };
    tick();
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  report() {
    const summary = (values) => (values.length ? { last: round(values.at(-1)), max: round(Math.max(...values)), mean: round(values.reduce((a, b) => a + b, 0) / values.length) } : null);
    return {
      apis: this.apis.map((a, i) => ({
        name: a.name,
        starts: this.cluster.apis[i].process.starts,
        rssMb: summary(a.rss),
        loopP50Ms: summary(a.loopP50),
        loopP99Ms: summary(a.loopP99),
        boundSocketsAtEnd: a.boundSockets,
      })),
      workers: this.workers.map((w, i) => ({ name: w.name, starts: this.cluster.workers[i].starts, rssMb: summary(w.rss) })),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Presence: the store's online set (src/modules/presence/presence.store.ts: `presence:<userId>`
// sorted sets scored by expiry, under the key prefix) against the sockets bound right now.

async function presenceSnapshot(redis, soak) {
  const now = Date.now();
  const pipeline = redis.pipeline();
  for (const user of soak.users) pipeline.zcount(`presence:${user.userId}`, now, '+inf');
  const results = await pipeline.exec();
  let connected = 0;
  let withoutOnlineList = 0;
  let online = 0;
  let connectedNotOnline = 0;
  let onlineNotConnected = 0;
  soak.users.forEach((user, i) => {
    const isOnline = Number(results[i]?.[1] ?? 0) > 0;
    // Connected with an identity; a registration that failed (Redis down) sends no onlineList:
    // counted apart, since the heartbeat still puts such a socket in the store.
    const isConnected = user.socket.connected && !user.parked;
    connected += isConnected ? 1 : 0;
    if (isConnected && !user.bound) withoutOnlineList++;
    online += isOnline ? 1 : 0;
    if (isConnected && !isOnline) connectedNotOnline++;
    if (isOnline && !isConnected) onlineNotConnected++;
  });
  return { connected, online, connectedNotOnline, onlineNotConnected, withoutOnlineList };
}

/** Polls until every socket is bound and the online set matches it, or the timeout. */
async function presenceCheck(redis, soak, label) {
  const started = Date.now();
  let last = null;
  for (;;) {
    last = await presenceSnapshot(redis, soak).catch((error) => ({ error: error.message }));
    const converged = !last.error && last.connected === soak.users.length && last.connectedNotOnline === 0 && last.onlineNotConnected === 0;
    if (converged || Date.now() - started > PRESENCE_TIMEOUT_MS) {
      return { label, converged, afterSeconds: round((Date.now() - started) / 1000), sockets: soak.users.length, ...last };
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------

function table(rows) {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

async function main() {
  const opts = options();
  if (!fs.existsSync(path.join(APP_DIR, 'dist/main.js'))) throw new Error(`run \`npm run build\` first (in ${APP_DIR})`);
  const started = Date.now();
  const date = new Date().toISOString();
  const stamp = date.replace(/[:.]/g, '-');
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const logFile = path.join(resultsDir, `cluster-${stamp}.log`);
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devlink-soak-'));
  const cleanups = []; // run in reverse on the way out, also on Ctrl+C
  let cleaning;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch((error) => log(`cleanup: ${error.message}`));
      fs.rmSync(runtimeDir, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping everything`);
      cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const redisServer = new PrivateRedis(runtimeDir, await freePort());
    cleanups.push(() => redisServer.stop());
    await redisServer.start();
    // startServices resolves Redis from REDIS_URL: ours, the one the soak may restart.
    process.env.REDIS_URL = redisServer.url;
    // Registered before it resolves: a Ctrl+C meanwhile waits for it, then stops what it started.
    const servicesStarting = startServices();
    cleanups.push(async () => (await servicesStarting.catch(() => null))?.stop());
    const services = await servicesStarting;
    log(`storage ${services.mongo.kind}, private redis-server on ${redisServer.url}`);

    const client = await MongoClient.connect(services.mongo.uri);
    cleanups.push(() => client.close());
    const db = newNamespace();
    cleanups.push(() => client.db(db).dropDatabase());
    const secrets = newSecrets();
    const metricsToken = crypto.randomBytes(16).toString('hex');
    const tag = `soak${crypto.randomBytes(3).toString('hex')}`;

    // Load first, then boot: the APIs build their indexes over the loaded data (bench/seed.js).
    const { seeded, ids } = await seedPairs(client, db, opts.sockets);
    const cookies = await mintSessions(client, db, ids, secrets.access);
    log(`seeded ${seeded.ids.length} users (${ids.length / 2} chatting pairs) in ${seeded.seconds.toFixed(1)}s`);

    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      MONGODB_URI: services.mongo.uri,
      MONGODB_DB_NAME: db,
      REDIS_URL: redisServer.url,
      REDIS_KEY_PREFIX: db,
      FRONTEND_URL: 'http://localhost:5173',
      ACCESS_TOKEN_SECRET_KEY: secrets.access,
      REFRESH_TOKEN_SECRET_KEY: secrets.refresh,
      MAIL_OUTBOX_DIR: path.join(runtimeDir, 'outbox'),
      LOG_LEVEL: 'warn',
      METRICS_TOKEN: metricsToken,
      // Limits sized for real users would pace the soak (everyone is a few addresses behind nginx).
      CHAT_SEND_LIMIT: '1000000',
      SOCKET_EVENTS_PER_SECOND: '1000000',
      SOCKET_EVENT_BURST: '1000000',
      SOCKET_ANON_HANDSHAKES_PER_IP_PER_MINUTE: '1000000',
      SOCKET_ANON_HANDSHAKES_PER_SECOND: '1000000',
    };
    const migrate = spawn(process.execPath, ['dist/main.migrate.js'], { cwd: APP_DIR, env, stdio: ['ignore', 'inherit', 'inherit'] });
    const migrated = await new Promise((resolve) => migrate.once('exit', resolve));
    if (migrated !== 0) throw new Error(`migrations failed (exit ${migrated})`);

    const output = fs.createWriteStream(logFile);
    output.on('error', (error) => log(`${path.basename(logFile)}: ${error.message}`));
    cleanups.push(() => new Promise((resolve) => output.end(resolve)));
    let errorLines = 0;
    const clusterStarting = startCluster({
      env,
      apis: 3,
      workers: 2,
      entry: (name) => [path.join(APP_DIR, `dist/${name}.js`)],
      runtimeDir: path.join(runtimeDir, 'cluster'),
      onOutput: (name, chunk) => {
        const text = chunk.toString();
        errorLines += (text.match(/"level":(50|60)/g) || []).length;
        output.write(text.replace(/^(?=.)/gm, `[${name}] `));
      },
    });
    cleanups.push(async () => (await clusterStarting.catch(() => null))?.stop()); // it stops its own on a failed start
    const cluster = await clusterStarting;
    analyzeDatabase(services, db);
    log(`cluster up: nginx ${cluster.url} → ${cluster.apis.length} APIs, ${cluster.workers.length} workers`);

    const presenceRedis = new Redis(redisServer.url, { keyPrefix: `${db}:`, maxRetriesPerRequest: 1, lazyConnect: true });
    presenceRedis.on('error', () => {}); // down during the Redis restart; reads are retried
    await presenceRedis.connect();
    cleanups.push(() => presenceRedis.disconnect());

    const soak = new Soak({ url: cluster.url, users: ids, cookies, tag });
    cleanups.push(() => soak.close());
    const openStart = Date.now();
    const ready = await soak.openAll(120_000);
    log(`${ready}/${opts.sockets} sockets bound and joined in ${((Date.now() - openStart) / 1000).toFixed(1)}s`);
    const presence = [await presenceCheck(presenceRedis, soak, 'start')];
    log(`presence at start: ${JSON.stringify(presence[0])}`);

    const sampler = new InstanceSampler(cluster, metricsToken);
    sampler.start();
    cleanups.push(() => sampler.stop());

    // Traffic: messages at `rate` per second over the senders in turn, and the HTTP loops.
    let running = true;
    const senders = soak.senders;
    let nextSender = 0;
    const perTick = opts.rate / 10;
    let owed = 0;
    const sendTimer = setInterval(() => {
      for (owed += perTick; owed >= 1; owed--) soak.send(senders[nextSender++ % senders.length]);
    }, 100);
    cleanups.push(() => clearInterval(sendTimer));
    const httpTraffic = httpLoops({ url: cluster.url, users: soak.users, loops: opts.httpLoops, isRunning: () => running });
    const trafficStart = Date.now();
    log(`traffic: ${opts.rate} messages/s from ${senders.length} senders, ${opts.httpLoops} HTTP loops; ${opts.seconds}s planned`);

    // The events, one at a time, each followed by a presence check.
    const events = [];
    const apiReady = (api) => waitUntilReady(`${api.url}/health/ready`, () => true, 120_000);
    const busiestApi = () => {
      const bound = sampler.apis.map((a) => a.boundSockets ?? 0);
      return bound.indexOf(Math.max(...bound));
    };
    const scenario = [
      { name: 'rolling restart', run: async () => ({ stepSeconds: (await cluster.roll()).map((s) => round(s)) }) },
      {
        name: 'API SIGKILL',
        run: async () => {
          const i = busiestApi();
          const api = cluster.apis[i];
          const before = api.process.starts;
          const sockets = sampler.apis[i].boundSockets;
          api.process.kill('SIGKILL');
          const killedAt = Date.now();
          await until(() => api.process.starts > before, 30_000); // the supervisor starts it again
          await apiReady(api);
          return { instance: api.process.name, boundSockets: sockets, backReadySeconds: round((Date.now() - killedAt) / 1000) };
        },
      },
      {
        name: 'worker SIGKILL',
        run: async () => {
          const worker = cluster.workers[0];
          const before = worker.starts;
          worker.kill('SIGKILL');
          const killedAt = Date.now();
          await until(() => worker.starts > before && worker.alive, 30_000);
          await sleep(2000); // still alive after its boot
          return { instance: worker.name, alive: worker.alive, restartedSeconds: round((Date.now() - killedAt) / 1000) };
        },
      },
      {
        name: 'Redis restart',
        run: async () => {
          await redisServer.stop();
          const stoppedAt = Date.now();
          await sleep(3000);
          await redisServer.start();
          const upAt = Date.now();
          await Promise.all(cluster.apis.map(apiReady));
          return { downSeconds: round((upAt - stoppedAt) / 1000), apisReadySeconds: round((Date.now() - upAt) / 1000) };
        },
      },
    ];
    let previousSettled = trafficStart;
    for (const [i, event] of scenario.entries()) {
      const at = Math.max(trafficStart + EVENT_AT[i] * opts.seconds * 1000, previousSettled + EVENT_GAP_MS);
      await sleep(at - Date.now());
      const record = { name: event.name, startedAt: Date.now(), atSeconds: round((Date.now() - trafficStart) / 1000) };
      log(`event: ${event.name}…`);
      try {
        Object.assign(record, await event.run());
      } catch (error) {
        record.error = error.message;
      }
      record.endedAt = Date.now();
      record.seconds = round((record.endedAt - record.startedAt) / 1000);
      record.presence = await presenceCheck(presenceRedis, soak, `after ${event.name}`);
      presence.push(record.presence);
      record.settledAt = Date.now();
      previousSettled = record.settledAt;
      events.push(record);
      const { startedAt, endedAt, settledAt, ...shown } = record;
      log(`event: ${event.name} done: ${JSON.stringify(shown)}`);
    }
    await sleep(trafficStart + opts.seconds * 1000 - Date.now());

    // Stop typing, let every pending send be acknowledged, and the last deliveries arrive.
    clearInterval(sendTimer);
    running = false;
    const trafficSeconds = (Date.now() - trafficStart) / 1000;
    await httpTraffic.done;
    log(`traffic stopped after ${trafficSeconds.toFixed(0)}s; waiting for ${soak.pendingCount()} unacknowledged sends`);
    await until(() => soak.pendingCount() === 0, DRAIN_TIMEOUT_MS);
    await sleep(3000);
    presence.push(await presenceCheck(presenceRedis, soak, 'end'));
    await sampler.stop();

    // What the database holds for this run's clientMessageIds.
    const storedRows = await client
      .db(db)
      .collection('messages')
      .aggregate([{ $match: { clientMessageId: { $regex: `^${tag}-` } } }, { $group: { _id: '$clientMessageId', count: { $sum: 1 } } }])
      .toArray();
    const stored = new Map(storedRows.map((r) => [r._id, r.count]));
    const all = [...soak.messages.entries()];
    const lost = all.filter(([id]) => !stored.has(id));
    const acked = all.filter(([, m]) => m.ackedAt !== undefined);
    const messages = {
      sent: all.length,
      acknowledged: acked.length,
      unacknowledged: all.length - acked.length,
      stored: stored.size,
      lost: lost.length,
      acknowledgedNotStored: lost.filter(([, m]) => m.ackedAt !== undefined).length,
      storedTwice: storedRows.filter((r) => r.count > 1).length,
      delivered: all.filter(([, m]) => m.deliveries > 0).length,
      deliveredTwice: all.filter(([, m]) => m.deliveries > 1).length,
      notDelivered: all.filter(([id, m]) => stored.has(id) && m.deliveries === 0).length,
      emits: soak.counts.emits,
      resendsAfterReconnect: soak.counts.resends,
      ackTimeouts: soak.counts.ackTimeouts,
      refusals: soak.counts.refusals,
      lostSample: lost.slice(0, 10).map(([id]) => id),
    };

    // 5xx (and requests that got no answer) by status, and by the event they happened in.
    const windowOf = (at) => events.find((e) => at >= e.startedAt && at <= e.settledAt)?.name ?? 'outside events';
    const failuresByEvent = {};
    for (const f of httpTraffic.failures) inc((failuresByEvent[windowOf(f.at)] ??= {}), f.status);
    const fiveXX = Object.fromEntries(Object.entries(httpTraffic.byStatus).filter(([s]) => /^5/.test(s)));
    const disconnectsByEvent = {};
    for (const d of soak.disconnects) inc((disconnectsByEvent[windowOf(d.at)] ??= {}), d.reason);
    // A message sent while its receiver was reconnecting is stored but not pushed to it (no replay).
    const notDeliveredByEvent = {};
    for (const [id, m] of all) if (stored.has(id) && m.deliveries === 0) inc(notDeliveredByEvent, windowOf(m.firstSentAt));
    messages.notDeliveredByEvent = notDeliveredByEvent;
    const reconnectsByEvent = {};
    for (const r of soak.reconnects) (reconnectsByEvent[windowOf(r.at)] ??= []).push(r.ms);

    const msStats = (samples) => {
      const s = stats(samples);
      return { n: s.n, p50: round(s.p50), p95: round(s.p95), p99: round(s.p99), max: round(s.max) };
    };
    const instances = sampler.report();
    const result = {
      date,
      command: `node bench/cluster-soak.js ${process.argv.slice(2).join(' ')}`.trim(),
      settings: { ...opts, apis: 3, workers: 2, sourceAddresses: SOURCE_ADDRESSES },
      machine: { nproc: os.availableParallelism(), cpuModel: os.cpus()[0]?.model.trim(), node: process.version, loadAverage: os.loadavg().map((l) => round(l, 2)) },
      database: services.mongo.kind,
      redis: 'redis-server (private, restarted once)',
      trafficSeconds: round(trafficSeconds),
      events: events.map(({ startedAt, endedAt, settledAt, ...e }) => e),
      presence,
      messages,
      latency: { sendToReceiveMs: msStats(soak.sendToReceive), sendToAckMs: msStats(soak.sendToAck), httpMs: msStats(httpTraffic.samples) },
      http: {
        requests: httpTraffic.samples.length,
        byStatus: httpTraffic.byStatus,
        fiveXX,
        failuresByEvent,
        byRoute: Object.fromEntries(Object.entries(httpTraffic.byRoute).map(([r, s]) => [r, msStats(s)])),
      },
      sockets: {
        count: opts.sockets,
        boundAtStart: ready,
        disconnects: soak.disconnects.length,
        disconnectsByEvent,
        reconnectMs: msStats(soak.reconnects.map((r) => r.ms)),
        reconnectMsByEvent: Object.fromEntries(Object.entries(reconnectsByEvent).map(([e, ms]) => [e, msStats(ms)])),
        connectErrors: soak.counts.connectErrors,
        parked: soak.counts.parked,
        joinFailures: soak.counts.joinFailures,
      },
      instances,
      errorLogLines: errorLines,
      seconds: round((Date.now() - started) / 1000),
    };
    const checks = [
      ['lost (sent, not stored)', messages.lost],
      ['stored twice', messages.storedTwice],
      ['delivered twice to a receiver', messages.deliveredTwice],
    ];
    result.failed = checks.filter(([, n]) => n !== 0).map(([name, n]) => `${name}: ${n}`);
    const file = path.join(resultsDir, `cluster-${stamp}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    const l = result.latency;
    const f = (s) => `p50 ${s.p50} ms, p99 ${s.p99} ms (n=${s.n})`;
    const p = (c) => `${c.converged ? 'ok' : 'NOT CONVERGED'} after ${c.afterSeconds}s: ${c.connected}/${c.sockets} connected, ${c.online} online, ${c.connectedNotOnline} connected-not-online, ${c.onlineNotConnected} online-not-connected`;
    console.log(`\nCluster soak (${opts.profile}, ${opts.sockets} sockets, ${result.trafficSeconds}s of traffic, ${result.database}):`);
    console.log(
      table([
        ['messages sent', messages.sent],
        ['stored (distinct clientMessageId)', messages.stored],
        ['delivered to receivers', `${messages.delivered} (${messages.notDelivered} stored but not delivered: ${JSON.stringify(notDeliveredByEvent)})`],
        ['LOST (sent, not stored)', messages.lost],
        ['STORED TWICE', messages.storedTwice],
        ['DELIVERED TWICE', messages.deliveredTwice],
        ['resends after reconnect / ack timeouts', `${messages.resendsAfterReconnect} / ${messages.ackTimeouts}`],
        ['refusals', JSON.stringify(messages.refusals)],
        ['presence at start', p(presence[0])],
        ...events.flatMap((e) => {
          const reconnects = result.sockets.reconnectMsByEvent[e.name];
          return [
            [`event ${e.name} (t=${e.atSeconds}s, ${e.seconds}s)`, `${e.error ? `ERROR ${e.error}; ` : ''}presence ${p(e.presence)}`],
            ['  reconnects in it', reconnects ? `${f(reconnects)}, max ${reconnects.max} ms` : 'none'],
          ];
        }),
        ['presence at end', p(presence.at(-1))],
        ['HTTP requests', `${result.http.requests}, status ${JSON.stringify(result.http.byStatus)}`],
        ['HTTP 5xx / no answer by event', JSON.stringify(failuresByEvent)],
        ['HTTP latency', f(l.httpMs)],
        ['send → messageReceived', f(l.sendToReceiveMs)],
        ['send → ack', f(l.sendToAckMs)],
        ['reconnect (disconnect → connect)', `${f(result.sockets.reconnectMs)}, max ${result.sockets.reconnectMs.max} ms`],
        ...instances.apis.map((a) => [
          `${a.name} (${a.starts} starts)`,
          `RSS last ${a.rssMb?.last} / max ${a.rssMb?.max} MB, loop delay p99 mean ${a.loopP99Ms?.mean} / max ${a.loopP99Ms?.max} ms, ${a.boundSocketsAtEnd} sockets at end`,
        ]),
        ...instances.workers.map((w) => [`${w.name} (${w.starts} starts)`, `RSS last ${w.rssMb?.last} / max ${w.rssMb?.max} MB`]),
        ['error/fatal log lines', `${errorLines} (${path.relative(ROOT, logFile)})`],
      ]),
    );
    log(`wrote ${path.relative(ROOT, file)}`);
    if (result.failed.length > 0) {
      console.error(`\n!!! ${result.failed.join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0), // a straggling timer or socket must not keep it alive
  (error) => {
    console.error(error.stack ?? error);
    process.exit(1);
  },
);
