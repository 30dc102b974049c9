'use strict';
// `npm run bench` (short profile) and `npm run bench -- --profile full`: every scenario of issue 11
// on one database and Redis (FerretDB v2 + DocumentDB here unless MONGODB_URI points at MongoDB),
// then bench/results/<timestamp>.json and docs/benchmarks.md with its charts (bench/report.js).
//
// Per data size (users; each seeded by bench/seed.js with ~5 interactions per user and the viewer's
// 10,000-message conversation): a fresh database and API instance, then the HTTP routes under
// autocannon (bench/http.js `runRoutes`; /health, /profile, /skills and the feed in paired rounds,
// `pairedRounds`, which targets 2 and 3 are read from). At one size (the first with at least as many users as
// sockets): N concurrent authenticated sockets with the API's RSS and event-loop delay, then send →
// receive latency on one instance and across two (a second API on the same database and Redis).
//
// Options: --profile short|full, --sizes 1000,10000 (overrides the profile's), --sockets N,
//          --duration S (per HTTP route), --no-doc (results JSON only)
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { MongoClient } = require('mongodb');
const { startServices, startApi, analyzeDatabase, newNamespace, newSecrets, APP_DIR } = require('./harness');
const { seed, mintSessions, viewerCookie } = require('./seed');
const { ROUTES, runRoutes, pairedRounds } = require('./http');
const { startReference } = require('./reference-servers');
const { roundTrips } = require('./round-trips');
const { socketScale, sendLatency } = require('./sockets');
const { writeReport } = require('./report');
const { compareWithExpress } = require('./cpu-profiles');

const PROFILES = {
  // Fits in 10 minutes on 2 cores, build included.
  short: { sizes: [1000, 10000], duration: 3, rounds: 2, warmup: 1, connections: 10, sockets: 1000, sends: 200, pairedRounds: 6, pairedDuration: 2, ratioRounds: 4, ratioDuration: 2, profileRounds: 2, profileDuration: 3 },
  full: { sizes: [1000, 10000, 100000], duration: 5, rounds: 2, warmup: 2, connections: 10, sockets: 10000, sends: 500, pairedRounds: 6, pairedDuration: 2, ratioRounds: 6, ratioDuration: 2, profileRounds: 3, profileDuration: 4 },
};
// The ceilings first (issue 15: every figure is read against them), then the API's routes.
const CEILING_ROUTES = ['ceiling-node', 'ceiling-express'];
// Login last: its bcrypt work outlasts its run and would slow the next route's warm-up.
const API_ROUTES = ['health', 'not-found', 'profile', 'skills', 'feed', 'feed-after', 'feed-skills', 'received', 'connections', 'chat-recent', 'chat-history', 'chat-history-small', 'payment-status', 'login'];
const HTTP_ROUTES = [...CEILING_ROUTES, ...API_ROUTES];
// Target 1 (fixed cost) in paired rounds of its own: the Express app first, as the baseline.
const FIXED_COST_ROUTES = ['ceiling-express', 'health', 'not-found'];
// Targets 2 and 3 likewise (/health first): their rows in the table come from these loads.
const RATIO_ROUTES = ['health', 'profile', 'skills', 'feed', 'feed-after', 'feed-skills'];
// Sequential requests per route for the round-trip counts and the sequential p50.
const ROUND_TRIP_REQUESTS = 50;
const API_ENV = {
  TRUST_PROXY_HOPS: '1', // logins spread over X-Forwarded-For addresses (per-IP login limit)
  CHAT_SEND_LIMIT: '1000000', // the per-user send limit would otherwise pace the send benchmark
  SOCKET_EVENTS_PER_SECOND: '1000000', // likewise the per-socket event rate
  SOCKET_EVENT_BURST: '1000000',
};

function options() {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'short' },
      sizes: { type: 'string' },
      sockets: { type: 'string' },
      duration: { type: 'string' },
      'no-doc': { type: 'boolean', default: false },
    },
  });
  const profile = PROFILES[values.profile];
  if (!profile) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
  const positive = (name, text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants a positive integer, got "${text}"`);
    return n;
  };
  return {
    profile: values.profile,
    ...profile,
    ...(values.sizes ? { sizes: values.sizes.split(',').map((s) => positive('sizes', s)) } : {}),
    ...(values.sockets ? { sockets: positive('sockets', values.sockets) } : {}),
    ...(values.duration ? { duration: positive('duration', values.duration) } : {}),
    doc: !values['no-doc'],
  };
}

/** Runs `fn` while copying the `[services] storage: …` lines services.js writes to stderr. */
async function captureStorageLog(fn) {
  const lines = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk, ...rest) => {
    const text = String(chunk);
    // "[services] storage: FerretDB v2.7.0 + … (why) on 127.0.0.1:PORT; …": the engine, without ports and paths.
    for (const line of text.split('\n')) {
      if (line.startsWith('[services] storage:')) lines.push(line.slice('[services] storage: '.length).replace(/ on 127\.0\.0\.1:.*$/, ''));
    }
    return write(chunk, ...rest);
  };
  try {
    return { value: await fn(), lines };
  } finally {
    process.stderr.write = write;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const log = (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const ms = (v) => `${v.toFixed(1)} ms`;

/**
 * Target 1's profile (bench/cpu-profiles.js): `/health` on an API instance of its own, started
 * with the CPU profiler preloaded, against the Express app's, once per run (a fixed cost does not
 * depend on the data set). Its own instance, so the measured one runs without the profiler.
 */
async function profileFixedCost(services, db, secrets, opts) {
  const out = path.join(os.tmpdir(), `bench-health-${process.pid}.cpuprofile`);
  const api = await startApi(services, {
    db,
    secrets,
    env: { ...API_ENV, CPU_PROFILE_OUT: out },
    nodeArgs: ['--require', path.join(__dirname, 'cpu-profile-preload.js')],
  });
  try {
    const comparison = await compareWithExpress(api, out, {
      path: '/health',
      connections: opts.connections,
      duration: opts.profileDuration,
      rounds: opts.profileRounds,
      top: 15,
    });
    log(
      `/health profiled against the Express app: ${comparison.api.sampledUs} vs ${comparison.express.sampledUs} µs of main-thread CPU per request ` +
        `(our code ${comparison.packages.find((p) => p.name === 'our code (dist)')?.api ?? 0} µs)`,
    );
    return comparison;
  } finally {
    await api.stop();
    fs.rmSync(out, { force: true });
  }
}

async function benchSize(services, client, users, opts, result, references, referencePids) {
  const db = newNamespace();
  const secrets = newSecrets();
  const metricsToken = crypto.randomBytes(16).toString('hex'); // read /metrics when the build serves it
  const stopping = [];
  try {
    // Load first, then boot: the API builds its indexes once over the loaded data, then the
    // planner statistics are refreshed (bench/seed.js).
    const seeded = await seed(client, db, users);
    const booting = Date.now();
    const api = await startApi(services, { db, secrets, env: { ...API_ENV, METRICS_TOKEN: metricsToken }, probe: true, bootSeconds: 1200 });
    stopping.push(api);
    const analyzing = Date.now();
    const analyzed = analyzeDatabase(services, db);
    const timing = {
      insertSeconds: seeded.seconds,
      indexSeconds: (analyzing - booting) / 1000, // the API's boot, index builds included
      analyzeSeconds: (Date.now() - analyzing) / 1000,
    };
    const seconds = timing.insertSeconds + timing.indexSeconds + timing.analyzeSeconds;
    log(
      `${users} users: seeded ${seeded.connections} connections and ${seeded.messages} messages in ${seconds.toFixed(1)}s ` +
        `(inserts ${timing.insertSeconds.toFixed(1)}s, API boot with index builds ${timing.indexSeconds.toFixed(1)}s, ` +
        `VACUUM ANALYZE of ${analyzed.length} tables ${timing.analyzeSeconds.toFixed(1)}s)`,
    );
    result.seeds.push({ users, connections: seeded.connections, messages: seeded.messages, seconds, ...timing });

    const cookie = await viewerCookie(api.base);
    const pids = { api: api.pid, ...referencePids };
    const logRow = (r) =>
      log(`${users} users ${r.route.padEnd(18)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms${r.cpuUs ? `  CPU ${r.cpuUs.toFixed(0)} µs/req` : ''}`);
    const alone = HTTP_ROUTES.filter((route) => !RATIO_ROUTES.includes(route));
    const http = await runRoutes(api.base, cookie, seeded, {
      routes: alone,
      warmRoutes: HTTP_ROUTES,
      duration: opts.duration,
      rounds: opts.rounds,
      warmup: opts.warmup,
      connections: opts.connections,
      references,
      pids,
      onRoute: logRow,
    });
    const ratios = await pairedRounds(api.base, cookie, seeded, {
      names: RATIO_ROUTES,
      rounds: opts.ratioRounds,
      duration: opts.ratioDuration,
      warmupEach: 0,
      connections: opts.connections,
      references,
      pids,
    });
    ratios.rows.forEach(logRow);
    const rows = [...http.results, ...ratios.rows];
    const results = HTTP_ROUTES.map((route) => rows.find((r) => r.route === route));
    const fixedCost = await pairedRounds(api.base, cookie, seeded, {
      names: FIXED_COST_ROUTES,
      rounds: opts.pairedRounds,
      duration: opts.pairedDuration,
      connections: opts.connections,
      references,
      pids,
    });
    for (const r of fixedCost.routes.slice(1)) {
      log(`${users} users ${r.route} ÷ Express, median of ${fixedCost.rounds} paired rounds: req/s ${r.rpsRatio.toFixed(2)}, CPU per request ${r.cpuRatio?.toFixed(2) ?? 'n/a'} (Express's ÷ ours)`);
    }
    const { rows: _rows, ...ratioRounds } = ratios;
    result.http.push({ users, results, fixedCost, ratios: ratioRounds });
    if (users === opts.sizes[0]) result.fixedCostProfile = await profileFixedCost(services, db, secrets, opts);
    result.failures.push(...[...http.failures, ...ratios.failures, ...fixedCost.failures].map((f) => `${users} users, ${f}`));

    const trips = await roundTrips(api, cookie, seeded, API_ROUTES, { requests: ROUND_TRIP_REQUESTS });
    for (const r of trips) {
      log(`${users} users ${r.route.padEnd(18)} sequential p50 ${r.sequentialP50.toFixed(2)} ms, database ${r.db.roundTrips.toFixed(2)} trips, Redis ${r.redis.roundTrips.toFixed(2)} trips`);
    }
    result.roundTrips.push({ users, requests: ROUND_TRIP_REQUESTS, rows: trips });

    if (users === result.sockets.users) {
      const count = opts.sockets;
      // One session and socket per user from user2 on (wrapping round when there are fewer users).
      const crowd = Array.from({ length: count }, (_, i) => seeded.ids[(2 + i) % users]);
      const cookies = await mintSessions(client, db, crowd, secrets.access);
      // Target 5's second reading: 50 more handshakes at once with every socket open.
      const extraCookies = await mintSessions(client, db, crowd.slice(0, 50), secrets.access);
      const steps = [...new Set([Math.round(count / 4), Math.round(count / 2), count])];
      log(`${count} sockets on one instance (steps ${steps.join(', ')})`);
      const scale = await socketScale(api, cookies, {
        steps,
        parallel: 50,
        metricsToken,
        extraCookies,
        log: (row) =>
          log(
            `  ${String(row.sockets).padStart(6)} sockets: RSS ${row.rssMb.toFixed(0)} MB, loop delay p50 ${ms(row.loopP50)} p99 ${ms(row.loopP99)}, GET /health p50 ${ms(row.httpP50)} p99 ${ms(row.httpP99)}`,
          ),
      });
      result.sockets.scale = scale;
      if (scale.failed > 0) result.failures.push(`${scale.failed} of ${count} sockets failed to connect or bind`);
      log(`  handshake to bound: p50 ${ms(scale.connectMs.p50)} p99 ${ms(scale.connectMs.p99)}`);
      const during = scale.duringHandshakes;
      if (during) {
        log(`  +${during.handshakes} handshakes at ${during.sockets} sockets: loop delay p50 ${ms(during.loopP50)} p99 ${ms(during.loopP99)} max ${ms(during.loopMax)}, handshake p99 ${ms(during.handshakeMs.p99)}, RSS ${during.rssMb.toFixed(0)} MB`);
        if (during.failed > 0) result.failures.push(`${during.failed} of ${during.handshakes} extra sockets failed to connect or bind`);
      }

      const [senderCookie, receiverCookie] = await mintSessions(client, db, [seeded.viewer, seeded.partner], secrets.access);
      const pair = { senderCookie, receiverCookie, senderId: seeded.viewer, receiverId: seeded.partner, n: opts.sends };
      const one = await sendLatency({ ...pair, senderBase: api.base, receiverBase: api.base, tag: 'one' });
      log(`send → messageReceived, one instance: p50 ${ms(one.p50)} p99 ${ms(one.p99)}`);
      const second = await startApi(services, { db, secrets, env: API_ENV });
      stopping.push(second);
      const two = await sendLatency({ ...pair, senderBase: api.base, receiverBase: second.base, tag: 'two' });
      log(`send → messageReceived, across two instances: p50 ${ms(two.p50)} p99 ${ms(two.p99)}`);
      result.sockets.send = { oneInstance: one, twoInstances: two, conversation: seeded.conversation };
    }
  } finally {
    for (const instance of stopping) await instance.stop();
    await client.db(db).dropDatabase().catch(() => {});
  }
}

async function main() {
  const opts = options();
  const started = Date.now();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const { value: services, lines: storage } = await captureStorageLog(() => startServices());
  const result = {
    date: new Date().toISOString(),
    command,
    profile: opts.profile,
    settings: { sizes: opts.sizes, duration: opts.duration, rounds: opts.rounds, warmup: opts.warmup, connections: opts.connections, sockets: opts.sockets, sends: opts.sends, pairedRounds: opts.pairedRounds, pairedDuration: opts.pairedDuration, ratioRounds: opts.ratioRounds, ratioDuration: opts.ratioDuration, profileRounds: opts.profileRounds, profileDuration: opts.profileDuration },
    machine: machine(),
    database: { kind: services.mongo.kind, log: storage.join('; ') || services.mongo.kind },
    redis: services.redis.kind,
    app: APP_DIR,
    routes: Object.fromEntries(
      HTTP_ROUTES.map((r) => {
        const route = ROUTES[r];
        const request = `${route.method || 'GET'} ${typeof route.path === 'function' ? route.path({ partner: ':targetUserId', smallPartner: ':targetUserId' }) : route.path}`;
        const where = { node: 'node:http', express: 'Express 5' }[route.reference];
        return [r, where ? `${where}: ${request} (ceiling)` : request];
      }),
    ),
    seeds: [],
    http: [],
    roundTrips: [],
    sockets: { users: opts.sizes.find((s) => s >= opts.sockets) ?? opts.sizes.at(-1) },
    failures: [],
  };
  log(`profile ${opts.profile}: sizes ${opts.sizes.join(', ')}, ${opts.sockets} sockets; database ${result.database.log}`);
  const client = await MongoClient.connect(services.mongo.uri);
  const info = await client.db('admin').command({ buildInfo: 1 }).catch(() => ({}));
  result.database.serverVersion = [info.version && `reports MongoDB ${info.version}`, info.ferretdb?.version && `FerretDB ${info.ferretdb.version}`]
    .filter(Boolean)
    .join(', ');
  const referenceServers = [];
  try {
    for (const kind of ['node', 'express']) referenceServers.push(await startReference(kind));
    const references = { node: referenceServers[0].base, express: referenceServers[1].base };
    const referencePids = { node: referenceServers[0].pid, express: referenceServers[1].pid };
    for (const users of opts.sizes) await benchSize(services, client, users, opts, result, references, referencePids);
  } finally {
    for (const reference of referenceServers) await reference.stop();
    await client.close();
    await services.stop();
  }
  result.seconds = (Date.now() - started) / 1000;
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  const file = path.join(__dirname, 'results', `${result.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), file)} (${result.seconds.toFixed(0)} s after start, build not included)`);
  if (opts.doc) {
    for (const written of writeReport(result, path.relative(path.join(__dirname, '..'), file))) log(`wrote ${written}`);
  }
  if (result.failures.length > 0) {
    console.error('\n!!! NON-200 RESPONSES, ERRORS OR FAILED SOCKETS: these numbers are not comparable !!!');
    for (const f of result.failures) console.error(`!!! ${f}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  // Driver errors carry every inserted id: print the message and where, not the whole object.
  console.error(error.stack ?? error);
  if (error.errorResponse) console.error(error.errorResponse);
  process.exit(1);
});
