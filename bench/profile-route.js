'use strict';
// Where one route's time goes (issue 15): starts the compiled API on the bench services, loads
// the route with autocannon, CPU-profiles the API during the load only (bench/cpu-profile-preload.js)
// and prints the top self-time entries, by function and by package.
// Usage: npm run build && node bench/profile-route.js [--path /health] [--duration 5] [--cookie [--users 1000]]
//          [--top 25] [--inclusive 40] [--out /tmp/route.cpuprofile]
//        node bench/profile-route.js --summarise saved.cpuprofile [--top 25] [--inclusive 40]
// With --alloc it records allocations instead (V8's sampling heap profiler, collected objects
// included) and prints bytes allocated per request by function and by package.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { MongoClient } = require('mongodb');
const { startServices, startApi, analyzeDatabase, newNamespace, newSecrets } = require('./harness');
const { seed, viewerCookie } = require('./seed');

/** Self time per entry of a V8 .cpuprofile, as [{ name, where, pkg, ms, share }], largest first. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    hits.set(id, (hits.get(id) ?? 0) + ms);
  });
  const total = [...hits.values()].reduce((a, b) => a + b, 0);
  const entries = new Map();
  for (const [id, ms] of hits) {
    const { callFrame } = byId.get(id);
    const file = callFrame.url.replace(/^file:\/\//, '');
    const pkg = packageOf(file);
    const name = callFrame.functionName || '(anonymous)';
    const where = file ? `${file.split('node_modules/').pop()}:${callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = entries.get(key) ?? { name, where, pkg, ms: 0 };
    entry.ms += ms;
    entries.set(key, entry);
  }
  const list = [...entries.values()].map((e) => ({ ...e, share: e.ms / total }));
  return { total, list: list.sort((a, b) => b.ms - a.ms), inclusive: inclusiveTimes(profile, byId, hits, total) };
}

/** Time with the function anywhere on the stack (counted once per sample), for our middleware etc. */
function inclusiveTimes(profile, byId, hits, total) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const sums = new Map();
  for (const [id, ms] of hits) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { callFrame } = byId.get(at);
      if (!callFrame.functionName) continue;
      const file = callFrame.url.replace(/^file:\/\//, '');
      const key = `${callFrame.functionName}  ${file.split('node_modules/').pop().replace(/^.*\/dist\//, 'dist/')}:${callFrame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sums.set(key, (sums.get(key) ?? 0) + ms);
    }
  }
  return [...sums].map(([key, ms]) => ({ key, share: ms / total })).sort((a, b) => b.share - a.share);
}

function packageOf(file) {
  if (!file) return '(native/V8)';
  if (file.startsWith('node:')) return 'node core';
  const parts = file.split('node_modules/');
  if (parts.length < 2) return file.includes('/dist/') ? 'our code (dist)' : file;
  const segs = parts.at(-1).split('/');
  return segs[0].startsWith('@') ? `${segs[0]}/${segs[1]}` : segs[0];
}

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
      users: { type: 'string', default: '1000' },
    },
  });
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
    api = await startApi(services, { db, secrets: newSecrets(), env, bootSeconds: 1200 });
    analyzeDatabase(services, db);
    const headers = values.cookie ? { cookie: await viewerCookie(api.base) } : {};
    const run = (duration) =>
      autocannon({ url: api.base, connections: Number(values.connections), duration, requests: [{ method: 'GET', path: values.path, headers }] });
    await run(2);
    const pid = api.pid;
    process.kill(pid, 'SIGUSR2');
    const result = await run(Number(values.duration));
    process.kill(pid, 'SIGUSR2');
    for (let i = 0; i < 100 && !fs.existsSync(out); i++) await new Promise((r) => setTimeout(r, 100));
    console.log(`${values.path}: ${result.requests.average.toFixed(0)} req/s, statuses ${JSON.stringify(Object.keys(result.statusCodeStats ?? {}))}; profile ${out}`);
    const profile = JSON.parse(fs.readFileSync(out, 'utf8'));
    if (values.alloc) printAllocations(allocations(profile), result.requests.total, Number(values.top));
    else printTop(selfTimes(profile), Number(values.top), Number(values.inclusive));
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
