'use strict';
// Database and Redis commands per request under concurrent load (autocannon), where
// bench/round-trips.js counts them for sequential requests: a cache stampede, a walk every
// request repeats, or a refresh that runs on the request path shows up only with requests in
// flight together. Seeds first, then boots the API (its indexes built over the data) and analyses
// the tables, as bench/run.js does; each route gets a warm-up, then --rounds windows of
// --duration seconds counted by bench/probe.js inside the API.
// Usage: npm run build && node bench/load-trips.js [--users 100000] [--routes feed,profile,feed-skills]
//          [--rounds 2] [--duration 5] [--connections 10] [--slow-ms 20]
// --slow-ms N also prints every database command slower than N ms (bench/slow-db-preload.js).
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { MongoClient } = require('mongodb');
const { startServices, startApi, analyzeDatabase, newNamespace, newSecrets, processCpuMs } = require('./harness');
const { ROUTES } = require('./http');
const { seed, viewerCookie } = require('./seed');

const positive = (name, text) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants a positive integer, got "${text}"`);
  return n;
};

/** "find users×0.002 mget×1.2": commands per request. */
const perRequest = (commands, requests) =>
  Object.entries(commands)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name}×${(count / requests).toFixed(3)}`)
    .join(' ') || '–';

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '10000' },
      routes: { type: 'string', default: 'feed,profile,feed-skills' },
      rounds: { type: 'string', default: '2' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      'slow-ms': { type: 'string' },
    },
  });
  const routes = values.routes.split(',');
  const unknown = routes.filter((name) => !ROUTES[name] || ROUTES[name].reference);
  if (unknown.length > 0) throw new Error(`unknown --routes ${unknown.join(',')}`);
  const opts = {
    users: positive('users', values.users),
    rounds: positive('rounds', values.rounds),
    duration: positive('duration', values.duration),
    connections: positive('connections', values.connections),
  };
  const env = { TRUST_PROXY_HOPS: '1' };
  if (values['slow-ms']) {
    env.SLOW_DB_MS = String(positive('slow-ms', values['slow-ms']));
    process.env.BENCH_NODE_ARGS = `${process.env.BENCH_NODE_ARGS ?? ''} --require ${path.join(__dirname, 'slow-db-preload.js')}`;
  }
  const services = await startServices();
  const db = newNamespace();
  const client = await MongoClient.connect(services.mongo.uri);
  let api;
  try {
    const seeded = await seed(client, db, opts.users);
    api = await startApi(services, { db, secrets: newSecrets(), env, probe: true, bootSeconds: 1200 });
    analyzeDatabase(services, db);
    const cookie = await viewerCookie(api.base);
    const load = (name, duration) => {
      const route = ROUTES[name];
      const url = typeof route.path === 'function' ? route.path(seeded) : route.path;
      const headers = { ...route.headers, ...(route.auth ? { cookie } : {}) };
      return autocannon({ url: api.base, connections: opts.connections, duration, requests: [{ method: route.method || 'GET', path: url, headers }] });
    };
    console.log(`${opts.users} users, ${opts.connections} connections, ${opts.rounds} rounds of ${opts.duration} s per route (warm-up 2 s each first)`);
    for (const name of routes) await load(name, 2);
    for (let round = 1; round <= opts.rounds; round++) {
      for (const name of routes) {
        await api.probe('reset');
        const cpuBefore = processCpuMs(api.pid);
        const result = await load(name, opts.duration);
        const cpuUs = ((processCpuMs(api.pid) - cpuBefore) * 1000) / result.requests.total;
        const { io } = await api.probe('read');
        const n = result.requests.total;
        console.log(
          `round ${round} ${name.padEnd(12)} ${result.requests.average.toFixed(0).padStart(6)} req/s  CPU ${cpuUs.toFixed(0)} µs/req  ` +
            `database ${(io.db.roundTrips / n).toFixed(3)} trips (${perRequest(io.db.commands, n)})  ` +
            `Redis ${(io.redis.roundTrips / n).toFixed(2)} trips (${perRequest(io.redis.commands, n)})`,
        );
      }
    }
    await client.db(db).dropDatabase();
  } finally {
    await client.close();
    await api?.stop();
    await services.stop();
  }
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exit(1);
});
