'use strict';
// Where one route's time goes (issue 15): starts the compiled API on the bench services, loads
// the route with autocannon, CPU-profiles the API during the load only (bench/cpu-profile-preload.js)
// and prints the top self-time entries, by function and by package.
// Usage: npm run build && node bench/profile-route.js [--path /health] [--duration 5] [--cookie [--users 1000]]
//          [--top 25] [--inclusive 40] [--out /tmp/route.cpuprofile] [--vs-express | --vs-path /health] [--rounds 3]
//        node bench/profile-route.js --summarise saved.cpuprofile [--top 25] [--inclusive 40]
// With --alloc it records allocations instead (V8's sampling heap profiler, collected objects
// included) and prints bytes allocated per request by function and by package; --survivors keeps
// only objects that outlived a young collection (what the scavenger copies and promotes).
// With --vs-express (target 1) it profiles the minimal Express app of bench/reference-servers.js
// too, under the same load in alternating rounds (--rounds), and prints both side by side in CPU
// µs per request: by package, and the largest functions of each. Where our /health costs more
// than the Express app's, that table says which library the difference is in.
// With --vs-path /health (target 2) it profiles two routes of the same API instance under the
// same load in alternating rounds and prints what --path costs beyond --vs-path, in µs of CPU per
// request, by package and by function (--cookie is sent to both).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { MongoClient } = require('mongodb');
const { startServices, startApi, analyzeDatabase, newNamespace, newSecrets } = require('./harness');
const { selfTimes, packageOf, profileDuring, profileAlternately, compareWithExpress, printComparison } = require('./cpu-profiles');
const { seed, viewerCookie } = require('./seed');

/** Sampled bytes allocated per function of a .heapprofile, as [{ name, where, pkg, bytes }], largest first. */
function allocations(profile) {
  const entries = new Map();
  const visit = (node) => {
    const { callFrame } = node;
    const file = callFrame.url.replace(/^file:\/\//, '');
    const name = callFrame.functionName || '(anonymous)';
    const where = file ? `${file.split('node_modules/').pop().replace(/^.*\/dist\//, 'dist/')}:${callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = entries.get(key) ?? { name, where, pkg: packageOf(file), bytes: 0 };
    entry.bytes += node.selfSize;
    entries.set(key, entry);
    for (const child of node.children ?? []) visit(child);
  };
  visit(profile.head);
  return [...entries.values()].filter((e) => e.bytes > 0).sort((a, b) => b.bytes - a.bytes);
}

function printAllocations(list, requests, top) {
  const total = list.reduce((n, e) => n + e.bytes, 0);
  const perRequest = (bytes) => `${(bytes / requests).toFixed(0).padStart(7)} B`;
  console.log(`\nAllocated per request: ${perRequest(total).trim()} (${requests} requests; top ${top} functions):`);
  for (const e of list.slice(0, top)) console.log(`${perRequest(e.bytes)}  ${e.name}  ${e.where}`);
  const byPkg = new Map();
  for (const e of list) byPkg.set(e.pkg, (byPkg.get(e.pkg) ?? 0) + e.bytes);
  console.log('\nBy package:');
  for (const [pkg, bytes] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${perRequest(bytes)}  ${pkg}`);
}

function printTop({ total, list, inclusive }, top, inclusiveTop) {
  const pct = (x) => `${(x * 100).toFixed(1)}%`.padStart(6);
  console.log(`\nTop ${top} self-time entries (${total.toFixed(0)} ms sampled):`);
  for (const e of list.slice(0, top)) console.log(`${pct(e.share)}  ${e.name}  ${e.where}`);
  const byPkg = new Map();
  for (const e of list) byPkg.set(e.pkg, (byPkg.get(e.pkg) ?? 0) + e.share);
  console.log('\nSelf time by package:');
  for (const [pkg, share] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(share)}  ${pkg}`);
  if (!inclusiveTop) return;
  console.log(`\nTop ${inclusiveTop} inclusive entries (self + callees):`);
  for (const e of inclusive.slice(0, inclusiveTop)) console.log(`${pct(e.share)}  ${e.key}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      path: { type: 'string', default: '/health' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      cookie: { type: 'boolean', default: false },
      top: { type: 'string', default: '25' },
      inclusive: { type: 'string', default: '0' },
      out: { type: 'string' },
      summarise: { type: 'string' },
      alloc: { type: 'boolean', default: false },
      survivors: { type: 'boolean', default: false },
      users: { type: 'string', default: '1000' },
      'vs-express': { type: 'boolean', default: false },
      'vs-path': { type: 'string' },
      rounds: { type: 'string', default: '3' },
    },
  });
  if (values.survivors) values.alloc = true;
  if (values.summarise) return printTop(selfTimes(JSON.parse(fs.readFileSync(values.summarise, 'utf8'))), Number(values.top), Number(values.inclusive));
  const out = values.out ?? path.join(os.tmpdir(), `route-${process.pid}.${values.alloc ? 'heapprofile' : 'cpuprofile'}`);
  fs.rmSync(out, { force: true });
  process.env.BENCH_NODE_ARGS = `${process.env.BENCH_NODE_ARGS ?? ''} --require ${path.join(__dirname, 'cpu-profile-preload.js')}`;
  // As bench/run.js: the data loaded first, then the API boots and builds its indexes over it.
  const services = await startServices();
  const db = newNamespace();
  const client = await MongoClient.connect(services.mongo.uri);
  let api;
  try {
    if (values.cookie) await seed(client, db, Number(values.users));
    const env = { TRUST_PROXY_HOPS: '1', [values.alloc ? 'ALLOC_PROFILE_OUT' : 'CPU_PROFILE_OUT']: out };
    if (values.survivors) env.ALLOC_SURVIVORS = '1';
    api = await startApi(services, { db, secrets: newSecrets(), env, bootSeconds: 1200 });
    analyzeDatabase(services, db);
    const headers = values.cookie ? { cookie: await viewerCookie(api.base) } : {};
    if (values['vs-path']) {
      const side = (label, route) => ({ label, pid: api.pid, url: api.base, path: route, headers, out });
      const sides = await profileAlternately([side('route', values.path), side('base', values['vs-path'])], {
        connections: Number(values.connections),
        duration: Number(values.duration),
        rounds: Number(values.rounds),
      });
      const us = (side, ms) => ((ms ?? 0) * 1000) / side.requests;
      const [route, base] = sides;
      const sampled = (side) => us(side, [...side.byPkg.values()].reduce((a, b) => a + b, 0));
      console.log(`\n${route.path}: ${sampled(route).toFixed(1)} µs of main-thread CPU per request; ${base.path}: ${sampled(base).toFixed(1)} (${values.rounds} alternating rounds of ${values.duration} s)`);
      for (const [key, top] of [['byPkg', 15], ['byFn', Number(values.top)]]) {
        const names = [...new Set([...route[key].keys(), ...base[key].keys()])];
        const rows = names.map((name) => ({ name, a: us(route, route[key].get(name)), b: us(base, base[key].get(name)) }));
        rows.sort((x, y) => y.a - y.b - (x.a - x.b));
        console.log(`\n${key === 'byPkg' ? 'By package' : 'By function'}: ${route.path} − ${base.path}, µs per request (${base.path} → ${route.path})`);
        for (const { name, a, b } of rows.slice(0, top)) console.log(`${(a - b).toFixed(2).padStart(7)}  (${b.toFixed(2)} → ${a.toFixed(2)})  ${name}`);
      }
    } else if (values['vs-express']) {
      const comparison = await compareWithExpress(api, out, {
        path: values.path,
        headers,
        connections: Number(values.connections),
        duration: Number(values.duration),
        rounds: Number(values.rounds),
        top: Number(values.top),
        onRound: (line) => console.log(line),
      });
      printComparison(comparison);
    } else {
      const run = (duration) =>
        autocannon({ url: api.base, connections: Number(values.connections), duration, requests: [{ method: 'GET', path: values.path, headers }] });
      await run(2);
      const { result, profile } = await profileDuring(api.pid, out, () => run(Number(values.duration)));
      console.log(`${values.path}: ${result.requests.average.toFixed(0)} req/s, statuses ${JSON.stringify(Object.keys(result.statusCodeStats ?? {}))}; profile ${out}`);
      if (values.alloc) printAllocations(allocations(profile), result.requests.total, Number(values.top));
      else printTop(selfTimes(profile), Number(values.top), Number(values.inclusive));
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
