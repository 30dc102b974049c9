'use strict';
// HTTP throughput of the main routes under concurrent load (autocannon), per data-set size.
// For each user count: starts the compiled API (`npm run build` first; BENCH_APP_DIR=/other/checkout
// benchmarks that checkout's build instead) on the embedded database and Redis, seeds the data set
// (bench/seed.js), logs in as user0, warms every route up for 2 s (numbers discarded), then loads
// each route for --duration seconds. Any non-200 response or connection error fails the run.
// Usage: node bench/http.js [--users 1000,10000] [--duration 10] [--connections 10]
//          [--routes profile,skills,feed,feed-skills,received,connections,chat-recent,chat-history,chat-history-small,payment-status,login] [--json out.json] [--label before]
// Compare two --json outputs with: node bench/compare.js before.json after.json
const fs = require('node:fs');
const os = require('node:os');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { MongoClient } = require('mongodb');
const { startBenchApi, processCpuMs, median, stats, APP_DIR } = require('./harness');
const { seed, viewerCookie, PASSWORD, VIEWER_EMAIL } = require('./seed');

const WARMUP_SECONDS = 2;
// Before each load of the paired fixed-cost pass (see pairedRounds).
const PAIRED_WARMUP_SECONDS = 1;

// Each login comes from its own X-Forwarded-For address (the bench starts the API trusting one proxy hop), so the
// per-IP login ceiling (100 attempts per 15 min, no env override) never triggers: bench/auth-latency.js does
// the same. 10.0.0.1 upwards gives 16M addresses, far more than any run can send.
let loginIp = 0;
const nextIp = () => {
  loginIp = (loginIp + 1) % 0xffffff || 1;
  return `10.${(loginIp >> 16) & 255}.${(loginIp >> 8) & 255}.${loginIp & 255}`;
};

/**
 * name → request; `auth` routes carry the viewer's cookies; a function path gets the seeded data
 * set (bench/seed.js). Every route must answer its `status` (default 200); a `reference` route runs on
 * that reference server instead of the API.
 */
const ROUTES = {
  // Ceilings (bench/reference-servers.js, run beside the API): the same health route on a bare
  // node:http server and on a minimal Express 5 app.
  'ceiling-node': { path: '/health', reference: 'node' },
  'ceiling-express': { path: '/health', reference: 'express' },
  health: { path: '/health' },
  'not-found': { path: '/no-such-route', status: 404 },
  profile: { path: '/profile', auth: true },
  skills: { path: '/skills', auth: true },
  feed: { path: '/user/feed?page=1&limit=10', auth: true },
  'feed-skills': { path: '/user/feed?page=1&limit=10&skills=React,Go', auth: true },
  // A later page: the stateless cursor halfway through the everyone tier (same page every time).
  'feed-after': {
    path: (seeded) =>
      `/user/feed?limit=10&after=${seeded.ids ? `2.${seeded.ids[Math.floor(seeded.ids.length / 2)].toHexString()}.${Date.now()}` : ':cursor'}`,
    auth: true,
  },
  received: { path: '/user/requests/received', auth: true },
  connections: { path: '/user/connections', auth: true },
  'chat-recent': { path: '/chat/recent', auth: true },
  // Newest page of the viewer's long conversation (bench/seed.js: 10,000 messages by default).
  'chat-history': { path: (seeded) => `/chat/${seeded.partner}`, auth: true },
  // The same page of a 100-message conversation: chat-history should cost about as much.
  'chat-history-small': { path: (seeded) => `/chat/${seeded.smallPartner}`, auth: true },
  'payment-status': { path: '/payment/status', auth: true },
  login: {
    path: '/auth/login',
    method: 'POST',
    body: JSON.stringify({ emailId: VIEWER_EMAIL, password: PASSWORD }),
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'x-forwarded-for': nextIp() } }),
    // Each login in flight counts as a failure of the account until its password is checked
    // (modules/auth/login-attempts.ts), and 10 failures lock the account for new addresses: 10
    // connections would sometimes have 10 in flight plus one arriving. 5 stay well under.
    connections: 5,
  },
};

function options() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '1000,10000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      routes: { type: 'string', default: Object.keys(ROUTES).filter((r) => !ROUTES[r].reference).join(',') },
      json: { type: 'string' },
      label: { type: 'string' },
    },
  });
  const positive = (name, text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants positive integers, got "${text}"`);
    return n;
  };
  const routes = values.routes.split(',').filter(Boolean);
  const unknown = routes.filter((r) => !(r in ROUTES));
  if (unknown.length > 0 || routes.length === 0) {
    throw new Error(`unknown --routes ${unknown.join(',')}; known: ${Object.keys(ROUTES).join(',')}`);
  }
  return {
    users: values.users.split(',').map((u) => positive('users', u)),
    duration: positive('duration', values.duration),
    connections: positive('connections', values.connections),
    routes,
    json: values.json,
    label: values.label ?? null,
  };
}

/**
 * One autocannon run of `route` (on `references[route.reference]` for a ceiling); autocannon's result.
 * With `latencies`, every response's latency (ms) is pushed to it.
 */
function load(base, route, cookie, seeded, { duration, connections, references = {}, latencies }) {
  const headers = { ...route.headers, ...(route.auth ? { cookie } : {}) };
  const path = typeof route.path === 'function' ? route.path(seeded) : route.path;
  const request = { method: route.method || 'GET', path, headers, body: route.body };
  if (route.setupRequest) request.setupRequest = route.setupRequest;
  const url = route.reference ? references[route.reference] : base;
  if (!url) throw new Error(`no ${route.reference} reference server was started`);
  const run = autocannon({ url, connections: route.connections ?? connections, duration, requests: [request] });
  if (latencies) run.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  return run;
}

const statusCounts = (result) =>
  Object.fromEntries(Object.entries(result.statusCodeStats || {}).map(([code, { count }]) => [code, count]));

/** Which process answers `route`: `pids.api`, or `pids[route.reference]` for a ceiling. */
const serverPid = (route, pids) => (route.reference ? pids[route.reference] : pids.api);

/**
 * One measured load of `name`: autocannon's result, the statuses that were not the route's, and
 * the serving process's CPU time per request in µs (null without `pids` or off Linux).
 */
async function measure(base, name, cookie, seeded, { duration, connections, references, pids = {} }) {
  const route = ROUTES[name];
  const pid = serverPid(route, pids);
  const cpuBefore = pid ? processCpuMs(pid) : null;
  const latencies = [];
  const result = await load(base, route, cookie, seeded, { connections, duration, references, latencies });
  const cpuAfter = pid ? processCpuMs(pid) : null;
  const cpuUs =
    cpuBefore !== null && cpuAfter !== null && result.requests.total > 0
      ? ((cpuAfter - cpuBefore) * 1000) / result.requests.total
      : null;
  const codes = statusCounts(result);
  const expected = String(route.status ?? 200);
  const notOk = Object.entries(codes).reduce((n, [code, count]) => (code === expected ? n : n + count), 0);
  const failures = [];
  if (notOk > 0 || result.errors > 0) {
    failures.push(`${name}: statuses ${JSON.stringify(codes)}, ${result.errors} errors (${result.timeouts} timeouts)`);
  }
  // autocannon drops requests still in flight when the duration ends: none back means none finished.
  if (result.requests.total === 0) failures.push(`${name}: no response within the ${duration} s run`);
  return { result, cpuUs, latencies, failures, nonOk: route.status ? 0 : result.non2xx };
}

/**
 * A route's row from its measured runs: mean req/s and server CPU per request, and p50 and p99 of
 * every response of every run pooled (a tail seen in one run weighs as much as it happened).
 */
function routeRow(name, runs) {
  const route = ROUTES[name];
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  const latencies = stats(runs.flatMap((run) => run.latencies));
  const tenth = (ms) => (ms === undefined ? null : Math.round(ms * 10) / 10);
  const row = {
    route: name,
    path: `${route.method || 'GET'} ${typeof route.path === 'function' ? route.path({ partner: ':targetUserId', smallPartner: ':targetUserId' }) : route.path}`,
    rps: mean(runs.map(({ result }) => result.requests.average)),
    p50: tenth(latencies.p50),
    p99: tenth(latencies.p99),
    requests: runs.reduce((n, { result }) => n + result.requests.total, 0),
    non2xx: runs.reduce((n, { nonOk }) => n + nonOk, 0),
    errors: runs.reduce((n, { result }) => n + result.errors, 0),
    rounds: runs.length,
  };
  const cpu = runs.map((run) => run.cpuUs).filter((us) => us !== null);
  if (cpu.length > 0) row.cpuUs = mean(cpu);
  return row;
}

/**
 * Loads each of `routes` for `duration` seconds after a warm-up whose numbers are discarded (of
 * `warmRoutes`: routes measured later too). `pids` ({ api, node, express }) adds each row's
 * server CPU per request.
 * @returns {Promise<{ results: object[], failures: string[] }>}
 */
async function runRoutes(base, cookie, seeded, { routes, warmRoutes = routes, duration, connections, warmup = WARMUP_SECONDS, rounds = 1, onRoute, references, pids }) {
  const failures = [];
  const byRoute = new Map(routes.map((name) => [name, []]));
  // Every route is warmed up before any is measured: JIT, connection pools and caches settle,
  // and so does the database after the seed (the first route measured right after it ran about
  // a quarter slower, whichever it was). The warm-up numbers are discarded.
  for (const name of warmRoutes) {
    await load(base, ROUTES[name], cookie, seeded, { connections, duration: warmup, references });
  }
  // The last warm-up (login) leaves bcrypt work behind it: let it finish before measuring.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  // Routes alternate over `rounds`: a machine that slows down or speeds up mid-run then weighs on
  // every route alike, and ratios between routes hold.
  for (let round = 0; round < rounds; round++) {
    for (const name of routes) {
      const run = await measure(base, name, cookie, seeded, { connections, duration, references, pids });
      failures.push(...run.failures);
      byRoute.get(name).push(run);
    }
  }
  const results = routes.map((name) => {
    const row = routeRow(name, byRoute.get(name));
    onRoute?.(row);
    return row;
  });
  return { results, failures };
}

/**
 * Routes compared in paired rounds (target 1's fixed cost; targets 2 and 3's ratios): `names` (the
 * first is the baseline) loaded back to back in each of `rounds` short rounds, the order rotating
 * every round, each load after `warmupEach` seconds of warm-up (a server that idled while the others
 * ran; 0 when all run on one server). Per round every route gets its ratio to
 * the baseline, by throughput (req/s ÷ baseline's) and by server CPU per request (baseline's ÷
 * its own: above 1 is cheaper); the medians of those ratios leave out most of the drift of a shared
 * 2-core machine, which a mean of separate runs minutes apart does not.
 * `rows` are the table's rows for these routes, as {@link runRoutes} makes them.
 * @returns {Promise<{ baseline: string, rounds: number, duration: number, warmup: number, routes: object[], rows: object[], failures: string[] }>}
 */
async function pairedRounds(base, cookie, seeded, { names, rounds, duration, connections, references, pids, warmupEach = PAIRED_WARMUP_SECONDS }) {
  const failures = [];
  const samples = new Map(names.map((name) => [name, []]));
  const runsOf = new Map(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      // Each server is loaded for a second first: it has idled while the others ran.
      if (warmupEach > 0) await load(base, ROUTES[name], cookie, seeded, { connections, duration: warmupEach, references });
      const run = await measure(base, name, cookie, seeded, { connections, duration, references, pids });
      failures.push(...run.failures);
      samples.get(name).push({ rps: run.result.requests.average, cpuUs: run.cpuUs });
      runsOf.get(name).push(run);
    }
  }
  const baseline = samples.get(names[0]);
  const routes = names.map((name) => {
    const runs = samples.get(name);
    const rpsRatios = runs.map((run, i) => run.rps / baseline[i].rps);
    const cpuRatios = runs.every((run, i) => run.cpuUs && baseline[i].cpuUs)
      ? runs.map((run, i) => baseline[i].cpuUs / run.cpuUs)
      : null;
    return {
      route: name,
      rps: median(runs.map((run) => run.rps)),
      cpuUs: cpuRatios ? median(runs.map((run) => run.cpuUs)) : null,
      rpsRatio: median(rpsRatios),
      cpuRatio: cpuRatios ? median(cpuRatios) : null,
      rpsRatios,
      cpuRatios,
    };
  });
  // The table's rows for these routes, from the same loads (latencies are not kept past this).
  const rows = names.map((name) => routeRow(name, runsOf.get(name)));
  return { baseline: names[0], rounds, duration, warmup: warmupEach, routes, rows, failures };
}

async function benchUsers(users, opts, machine) {
  const { base, mongo, db, stop } = await startBenchApi({ TRUST_PROXY_HOPS: '1' }); // login spreads over X-Forwarded-For addresses
  const client = await MongoClient.connect(mongo.uri);
  let run;
  try {
    const seeded = await seed(client, db, users);
    console.log(
      `\nseeded ${users} users, ${seeded.connections} connections and ${seeded.messages} messages in ${seeded.seconds.toFixed(1)}s (database: ${mongo.kind})`,
    );
    const cookie = await viewerCookie(base);
    run = await runRoutes(base, cookie, seeded, opts);
    await client.db(db).dropDatabase();
  } finally {
    await client.close();
    await stop();
  }
  const { results, failures } = run;

  console.log(`\n=== ${users} users | database ${mongo.kind} | ${machine.cpus}x ${machine.cpuModel} | Node ${machine.node}`);
  console.log(`    ${opts.connections} connections, ${opts.duration}s per route after ${WARMUP_SECONDS}s warm-up | app ${APP_DIR}`);
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(15) : String(c).padStart(9))).join(' ');
  console.log(line(['route', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx']));
  for (const r of results) console.log(line([r.route, r.rps.toFixed(1), r.p50.toFixed(1), r.p99.toFixed(1), r.non2xx]));
  return { label: opts.label, users, database: mongo.kind, machine, results, failures };
}

async function main() {
  const opts = options();
  const cpus = os.cpus();
  const machine = { cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', node: process.version };
  const runs = [];
  const failures = [];
  for (const users of opts.users) {
    const { failures: failed, ...run } = await benchUsers(users, opts, machine);
    runs.push({ ...run, duration: opts.duration, connections: opts.connections });
    failures.push(...failed.map((f) => `${users} users, ${f}`));
    // Written after every size, so a crash later keeps the sizes already measured.
    if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify(runs, null, 2)}\n`);
  }
  if (opts.json) console.log(`\nwrote ${opts.json}`);
  if (failures.length > 0) {
    console.error('\n!!!!!!!! NON-200 RESPONSES OR ERRORS: these numbers are not comparable !!!!!!!!');
    for (const f of failures) console.error(`!!! ${f}`);
    process.exitCode = 1;
  }
}

module.exports = { ROUTES, runRoutes, pairedRounds, WARMUP_SECONDS };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
