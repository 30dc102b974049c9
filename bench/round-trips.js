'use strict';
// Database and Redis round trips (and bytes) per request, per route: N sequential requests each,
// counted inside the API by bench/probe.js (the API must be started with `probe: true`).
// Standalone: node bench/round-trips.js [--users 10000] [--requests 20] [--routes profile,feed,…]
// (starts its own services and API, seeds the data set with bench/seed.js).
// Background traffic in the window (heartbeats, BullMQ, presence sweeps) is counted too: with
// sequential requests over well under a second per route it rounds away.
const { parseArgs } = require('node:util');
const { MongoClient } = require('mongodb');
const { startServices, startApi, newNamespace, newSecrets } = require('./harness');
const { ROUTES } = require('./http');
const { seed, viewerCookie } = require('./seed');

const WARMUP_REQUESTS = 3;

const perRequest = (counter, n) => ({
  roundTrips: counter.roundTrips / n,
  bytesOut: counter.bytesOut / n,
  bytesIn: counter.bytesIn / n,
  commands: Object.fromEntries(Object.entries(counter.commands).map(([name, count]) => [name, count / n])),
});

/**
 * For each route (names of bench/http.js ROUTES): `requests` sequential requests after a short
 * warm-up, counted by the API's probe. Returns one row per route with database and Redis round
 * trips, bytes both ways and commands by name, all per request, the response size and the
 * sequential p50 latency.
 * @param {{ base: string, probe: (command: string) => Promise<any> }} api
 */
async function roundTrips(api, cookie, seeded, routes, { requests = 20 } = {}) {
  const rows = [];
  for (const name of routes) {
    const route = ROUTES[name];
    if (!route) throw new Error(`unknown route ${name}`);
    const path = typeof route.path === 'function' ? route.path(seeded) : route.path;
    const send = async () => {
      let req = { method: route.method || 'GET', headers: { ...route.headers, ...(route.auth ? { cookie } : {}) }, body: route.body };
      if (route.setupRequest) req = route.setupRequest(req);
      const res = await fetch(`${api.base}${path}`, req);
      const body = await res.arrayBuffer();
      if (res.status !== (route.status ?? 200)) throw new Error(`${name} answered ${res.status}`);
      return body.byteLength;
    };
    for (let i = 0; i < WARMUP_REQUESTS; i++) await send();
    await api.probe('reset');
    let responseBytes = 0;
    const latencies = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      responseBytes += await send();
      latencies.push(performance.now() - started);
    }
    const { io } = await api.probe('read');
    latencies.sort((a, b) => a - b);
    rows.push({
      route: name,
      requests,
      // One request at a time (the probe counts inside the API): latency without queueing.
      sequentialP50: latencies[Math.floor(requests / 2)],
      db: perRequest(io.db, requests),
      redis: perRequest(io.redis, requests),
      responseBytes: responseBytes / requests,
    });
  }
  return rows;
}

/** A fixed-width table of {@link roundTrips} rows. */
function formatRoundTrips(rows) {
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(15) : String(c).padStart(10))).join(' ');
  const out = [line(['route', 'seq p50 ms', 'db trips', 'db B out', 'db B in', 'redis trips', 'redis B out', 'redis B in', 'resp B'])];
  for (const r of rows) {
    out.push(
      line([
        r.route,
        r.sequentialP50.toFixed(2),
        r.db.roundTrips.toFixed(2),
        r.db.bytesOut.toFixed(0),
        r.db.bytesIn.toFixed(0),
        r.redis.roundTrips.toFixed(2),
        r.redis.bytesOut.toFixed(0),
        r.redis.bytesIn.toFixed(0),
        r.responseBytes.toFixed(0),
      ]),
    );
  }
  const commands = (c) => Object.entries(c).map(([k, v]) => `${k}×${+v.toFixed(2)}`).join(' ') || '-';
  for (const r of rows) out.push(`  ${r.route}: db ${commands(r.db.commands)} | redis ${commands(r.redis.commands)}`);
  return out.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '10000' },
      requests: { type: 'string', default: '20' },
      routes: { type: 'string', default: 'profile,feed,feed-after,feed-skills,received,connections,chat-recent' },
    },
  });
  const services = await startServices();
  const db = newNamespace();
  let api;
  let client;
  try {
    api = await startApi(services, { db, secrets: newSecrets(), probe: true, env: { TRUST_PROXY_HOPS: '1' } });
    client = await MongoClient.connect(services.mongo.uri);
    const seeded = await seed(client, db, Number(values.users));
    console.log(`seeded ${values.users} users in ${seeded.seconds.toFixed(1)}s (database: ${services.mongo.kind})`);
    const cookie = await viewerCookie(api.base);
    const rows = await roundTrips(api, cookie, seeded, values.routes.split(',').filter(Boolean), {
      requests: Number(values.requests),
    });
    console.log(formatRoundTrips(rows));
    await client.db(db).dropDatabase();
  } finally {
    await client?.close();
    await api?.stop();
    await services.stop();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}

module.exports = { roundTrips, formatRoundTrips };
