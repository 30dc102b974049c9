'use strict';
// Where one route's time goes (issue 15): starts the compiled API on the bench services, loads
// the route with autocannon, CPU-profiles the API during the load only (bench/cpu-profile-preload.js)
// and prints the top self-time entries, by function and by package.
// Usage: npm run build && node bench/profile-route.js [--path /health] [--duration 5] [--cookie [--users 1000]]
//          [--top 25] [--inclusive 40] [--out /tmp/route.cpuprofile]
//        node bench/profile-route.js --summarise saved.cpuprofile [--top 25] [--inclusive 40]
// With --alloc it records allocations instead (V8's sampling heap profiler, collected objects
// included) and prints bytes allocated per request by function and by package.
// With --vs-express (target 1) it profiles the minimal Express app of bench/reference-servers.js
// too, under the same load in alternating rounds (--rounds), and prints both side by side in CPU
// µs per request: by package, and the largest functions of each. Where our /health costs more
// than the Express app's, that table says which library the difference is in.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { MongoClient } = require('mongodb');
const { startServices, startApi, analyzeDatabase, newNamespace, newSecrets, processCpuMs } = require('./harness');
const { startReference } = require('./reference-servers');
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

/** Profiles `pid` (started with bench/cpu-profile-preload.js writing to `out`) while `load` runs. */
async function profileDuring(pid, out, load) {
  fs.rmSync(out, { force: true });
  const cpuBefore = processCpuMs(pid);
  process.kill(pid, 'SIGUSR2');
  const result = await load();
  process.kill(pid, 'SIGUSR2');
  const cpuMs = processCpuMs(pid) - cpuBefore;
  for (let i = 0; i < 100 && !fs.existsSync(out); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 200)); // the write may still be under way
  return { result, cpuMs, profile: JSON.parse(fs.readFileSync(out, 'utf8')) };
}

/**
 * Target 1's question, answered by profile: the API's route and the Express app's /health under
 * the same load, alternating over `rounds`, each profile's non-idle self time summed per package
 * and per function and divided by the requests served.
 */
async function compareWithExpress(api, apiOut, { path: routePath, headers, connections, duration, rounds, top }) {
  const refOut = `${apiOut}.express`;
  const preload = path.join(__dirname, 'cpu-profile-preload.js');
  const express = await startReference('express', { nodeArgs: ['--require', preload], env: { CPU_PROFILE_OUT: refOut } });
  const sides = [
    { label: 'API', pid: api.pid, url: api.base, path: routePath, headers, out: apiOut },
    { label: 'Express', pid: express.pid, url: express.base, path: '/health', headers: {}, out: refOut },
  ].map((side) => ({ ...side, requests: 0, cpuMs: 0, byPkg: new Map(), byFn: new Map() }));
  const load = (side, seconds) =>
    autocannon({ url: side.url, connections, duration: seconds, requests: [{ method: 'GET', path: side.path, headers: side.headers }] });
  try {
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 ? [...sides].reverse() : sides) {
        await load(side, round === 0 ? 2 : 1);
        const { result, cpuMs, profile } = await profileDuring(side.pid, side.out, () => load(side, duration));
        side.requests += result.requests.total;
        side.cpuMs += cpuMs;
        for (const e of selfTimes(profile).list) {
          if (e.name === '(idle)') continue;
          side.byPkg.set(e.pkg, (side.byPkg.get(e.pkg) ?? 0) + e.ms);
          const fn = `${e.name}  ${e.where.replace(/^.*\/dist\//, 'dist/')}`;
          side.byFn.set(fn, (side.byFn.get(fn) ?? 0) + e.ms);
        }
        console.log(`round ${round + 1} ${side.label.padEnd(7)} ${(result.requests.average).toFixed(0).padStart(6)} req/s, ${((cpuMs * 1000) / result.requests.total).toFixed(0)} µs CPU per request (/proc)`);
      }
    }
  } finally {
    await express.stop();
  }
  const us = (side, ms) => (ms * 1000) / side.requests;
  const [ours, theirs] = sides;
  const sampled = (side) => [...side.byPkg.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${routePath} on the API against the Express app's /health, ${rounds} rounds of ${duration} s each, 10 connections`);
  console.log(`CPU per request from /proc: API ${us(ours, ours.cpuMs).toFixed(1)} µs, Express ${us(theirs, theirs.cpuMs).toFixed(1)} µs (Express ÷ API ${(us(theirs, theirs.cpuMs) / us(ours, ours.cpuMs)).toFixed(2)})`);
  console.log(`main thread, sampled and not idle: API ${us(ours, sampled(ours)).toFixed(1)} µs, Express ${us(theirs, sampled(theirs)).toFixed(1)} µs per request`);
  const packages = [...new Set([...ours.byPkg.keys(), ...theirs.byPkg.keys()])]
    .map((pkg) => ({ pkg, a: us(ours, ours.byPkg.get(pkg) ?? 0), b: us(theirs, theirs.byPkg.get(pkg) ?? 0) }))
    .sort((x, y) => Math.max(y.a, y.b) - Math.max(x.a, x.b));
  console.log('\nµs per request by package:        API  Express  API − Express');
  for (const { pkg, a, b } of packages.filter((p) => Math.max(p.a, p.b) >= 0.5)) {
    const name = pkg.includes('reference-servers') ? 'the Express app itself' : pkg;
    console.log(`${name.slice(0, 30).padEnd(30)} ${a.toFixed(1).padStart(7)} ${b.toFixed(1).padStart(8)} ${(a - b).toFixed(1).padStart(14)}`);
  }
  const functions = [...new Set([...ours.byFn.keys(), ...theirs.byFn.keys()])]
    .map((fn) => ({ fn, a: us(ours, ours.byFn.get(fn) ?? 0), b: us(theirs, theirs.byFn.get(fn) ?? 0) }))
    .sort((x, y) => Math.abs(y.a - y.b) - Math.abs(x.a - x.b));
  console.log(`\nThe ${top} functions that differ most, µs per request:   API  Express  API − Express`);
  for (const { fn, a, b } of functions.slice(0, top)) {
    console.log(`${fn.slice(0, 50).padEnd(50)} ${a.toFixed(1).padStart(6)} ${b.toFixed(1).padStart(8)} ${(a - b).toFixed(1).padStart(14)}`);
  }
  for (const side of sides) {
    console.log(`\n${side.label}: top ${top} functions, µs per request`);
    for (const [fn, ms] of [...side.byFn].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${us(side, ms).toFixed(1).padStart(6)}  ${fn}`);
  }
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
      'vs-express': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '3' },
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
    if (values['vs-express']) {
      await compareWithExpress(api, out, { path: values.path, headers, connections: Number(values.connections), duration: Number(values.duration), rounds: Number(values.rounds), top: Number(values.top) });
      return;
    }
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
