'use strict';
// The fixed cost of a request against its ceilings, in one run (issue 15, targets 1 and 2):
// a bare node:http server and a minimal Express 5 app (bench/reference-servers.js) beside the
// compiled API's /health, an unknown route (404), and two authenticated reads. Each route gets a
// warm-up, then autocannon for --duration seconds; routes alternate over --rounds so a machine
// that speeds up or slows down mid-run affects every row alike. On Linux each row also reports the
// server process's CPU time per request (user + system, from /proc): on a shared machine that is
// steadier than req/s, which also depends on the load generator and the neighbours.
// Usage: npm run build && node bench/ceilings.js [--duration 5] [--connections 10] [--rounds 2]
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { MongoClient } = require('mongodb');
const { startBenchApi, processCpuMs } = require('./harness');
const { startReference } = require('./reference-servers');
const { seed, viewerCookie } = require('./seed');

const positive = (name, text) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants a positive integer, got "${text}"`);
  return n;
};


function load(url, path, headers, { duration, connections }) {
  return autocannon({ url, connections, duration, requests: [{ method: 'GET', path, headers }] });
}

async function main() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' },
    },
  });
  const opts = { duration: positive('duration', values.duration), connections: positive('connections', values.connections) };
  const rounds = positive('rounds', values.rounds);
  const api = await startBenchApi({ TRUST_PROXY_HOPS: '1' });
  const refs = [];
  const client = await MongoClient.connect(api.mongo.uri);
  try {
    await seed(client, api.db, 1000);
    const cookie = await viewerCookie(api.base);
    refs.push(await startReference('node'), await startReference('express'));
    const rows = [
      { name: 'node:http (ceiling)', url: refs[0].base, pid: refs[0].pid, path: '/health', status: 200 },
      { name: 'Express 5 /health (ceiling)', url: refs[1].base, pid: refs[1].pid, path: '/health', status: 200 },
      { name: 'API GET /health', url: api.base, pid: api.pid, path: '/health', status: 200 },
      { name: 'API unknown route', url: api.base, pid: api.pid, path: '/no-such-route', status: 404 },
      { name: 'API GET /profile', url: api.base, pid: api.pid, path: '/profile', status: 200, cookie },
      { name: 'API GET /skills', url: api.base, pid: api.pid, path: '/skills', status: 200, cookie },
    ].map((row) => ({ ...row, rps: [], p50: [], p99: [], cpu: [], wrong: 0 }));
    for (let round = 0; round < rounds; round++) {
      for (const row of rows) {
        const headers = row.cookie ? { cookie: row.cookie } : {};
        await load(row.url, row.path, headers, { ...opts, duration: 1 });
        const cpuBefore = processCpuMs(row.pid);
        const result = await load(row.url, row.path, headers, opts);
        const cpuAfter = processCpuMs(row.pid);
        if (cpuBefore !== null && cpuAfter !== null && result.requests.total > 0) {
          row.cpu.push(((cpuAfter - cpuBefore) * 1000) / result.requests.total);
        }
        row.rps.push(result.requests.average);
        row.p50.push(result.latency.p50);
        row.p99.push(result.latency.p99);
        const counts = Object.entries(result.statusCodeStats || {});
        row.wrong += counts.reduce((n, [code, { count }]) => (Number(code) === row.status ? n : n + count), 0) + result.errors;
      }
    }
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const express = mean(rows[1].rps);
    const health = mean(rows[2].rps);
    console.log(`\n${opts.connections} connections, ${opts.duration} s per route, ${rounds} alternating rounds (mean req/s)`);
    const expressCpu = mean(rows[1].cpu);
    console.log(
      `${'route'.padEnd(30)}${'req/s'.padStart(9)}${'p50'.padStart(7)}${'p99'.padStart(7)}${'× Express'.padStart(11)}${'× /health'.padStart(11)}` +
        `${'CPU µs/req'.padStart(12)}${'CPU × Express'.padStart(15)}`,
    );
    for (const row of rows) {
      const rps = mean(row.rps);
      const cpu = row.cpu.length ? mean(row.cpu) : NaN;
      console.log(
        `${row.name.padEnd(30)}${rps.toFixed(0).padStart(9)}${mean(row.p50).toFixed(0).padStart(7)}${mean(row.p99).toFixed(0).padStart(7)}` +
          `${(rps / express).toFixed(2).padStart(11)}${(rps / health).toFixed(2).padStart(11)}` +
          `${cpu.toFixed(0).padStart(12)}${(cpu / expressCpu).toFixed(2).padStart(15)}${row.wrong ? `  !! ${row.wrong} unexpected answers` : ''}`,
      );
      if (row.wrong) process.exitCode = 1;
    }
    await client.db(api.db).dropDatabase();
  } finally {
    await client.close();
    for (const ref of refs) await ref.stop();
    await api.stop();
  }
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exit(1);
});
