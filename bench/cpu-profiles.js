'use strict';
// Reading V8 CPU profiles for the benchmarks (issue 15): self time per function and per package,
// and target 1's comparison of a route of the API with the Express reference app's /health,
// both profiled under the same load (bench/profile-route.js --vs-express, and `npm run bench`
// once per run). Processes are profiled through bench/cpu-profile-preload.js (SIGUSR2).
const fs = require('node:fs');
const path = require('node:path');
const autocannon = require('autocannon');
const { processCpuMs } = require('./harness');
const { startReference } = require('./reference-servers');

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
  return {
    total,
    list: list.sort((a, b) => b.ms - a.ms),
    inclusive: inclusiveTimes(profile, byId, hits, total),
  };
}

/** Time with the function anywhere on the stack (counted once per sample), for our middleware etc. */
function inclusiveTimes(profile, byId, hits, total) {
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const sums = new Map();
  for (const [id, ms] of hits) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { callFrame } = byId.get(at);
      if (!callFrame.functionName) continue;
      const file = callFrame.url.replace(/^file:\/\//, '');
      const key = `${callFrame.functionName}  ${file
        .split('node_modules/')
        .pop()
        .replace(/^.*\/dist\//, 'dist/')}:${callFrame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sums.set(key, (sums.get(key) ?? 0) + ms);
    }
  }
  return [...sums]
    .map(([key, ms]) => ({ key, share: ms / total }))
    .sort((a, b) => b.share - a.share);
}

function packageOf(file) {
  if (!file) return '(native/V8)';
  if (file.startsWith('node:')) return 'node core';
  const parts = file.split('node_modules/');
  if (parts.length < 2) return file.includes('/dist/') ? 'our code (dist)' : file;
  const segs = parts.at(-1).split('/');
  return segs[0].startsWith('@') ? `${segs[0]}/${segs[1]}` : segs[0];
}

/** Profiles `pid` (started with bench/cpu-profile-preload.js writing to `out`) while `load` runs. */
async function profileDuring(pid, out, load) {
  fs.rmSync(out, { force: true });
  const cpuBefore = processCpuMs(pid);
  process.kill(pid, 'SIGUSR2');
  const result = await load();
  process.kill(pid, 'SIGUSR2');
  const cpuMs = processCpuMs(pid) - cpuBefore;
  let profile;
  for (let i = 0; i < 100 && !profile; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      profile = JSON.parse(fs.readFileSync(out, 'utf8')); // absent, or still being written
    } catch {}
  }
  if (!profile) throw new Error(`no CPU profile written to ${out}`);
  return { result, cpuMs, profile };
}

const REFERENCE_APP = 'the Express app itself';

/**
 * Profiles each side ({ label, pid, url, path, headers, out }: a process started with
 * bench/cpu-profile-preload.js writing to `out`, and the route to load on it) under the same load,
 * the order alternating over `rounds`, each load after a warm-up (2 s first, then 1 s: a process
 * idles while the other side runs). Per side: requests served, its process's CPU ms (/proc), and
 * non-idle main-thread self time in ms by package and by function.
 */
async function profileAlternately(sides, { connections = 10, duration, rounds, onRound = () => {} }) {
  const profiled = sides.map((side) => ({ ...side, requests: 0, cpuMs: 0, byPkg: new Map(), byFn: new Map() }));
  const load = (side, seconds) =>
    autocannon({
      url: side.url,
      connections,
      duration: seconds,
      requests: [{ method: 'GET', path: side.path, headers: side.headers ?? {} }],
    });
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 ? [...profiled].reverse() : profiled) {
      await load(side, round === 0 ? 2 : 1);
      const { result, cpuMs, profile } = await profileDuring(side.pid, side.out, () => load(side, duration));
      side.requests += result.requests.total;
      side.cpuMs += cpuMs;
      for (const e of selfTimes(profile).list) {
        if (e.name === '(idle)') continue;
        const pkg = e.pkg.endsWith('reference-servers.js') ? REFERENCE_APP : e.pkg;
        side.byPkg.set(pkg, (side.byPkg.get(pkg) ?? 0) + e.ms);
        const fn = `${e.name}  ${e.where.replace(/^.*\/dist\//, 'dist/').replace(/^.*\/bench\//, 'bench/')}`;
        side.byFn.set(fn, (side.byFn.get(fn) ?? 0) + e.ms);
      }
      onRound(
        `round ${round + 1} ${side.label.padEnd(7)} ${result.requests.average.toFixed(0).padStart(6)} req/s, ${((cpuMs * 1000) / result.requests.total).toFixed(0)} µs CPU per request (/proc)`,
      );
    }
  }
  return profiled;
}

/**
 * Target 1's question, answered by profile: `routePath` on the API (started with the profiler
 * preloaded, writing to `apiOut`) and the Express reference app's /health under the same load,
 * alternating over `rounds`. Each profile's non-idle main-thread self time is summed per package
 * and per function and divided by the requests served; /proc gives the whole process's CPU.
 * @returns {{ path, rounds, duration, connections, api: object, express: object, packages: object[], functions: object[] }}
 */
async function compareWithExpress(
  api,
  apiOut,
  {
    path: routePath,
    headers = {},
    connections = 10,
    duration,
    rounds,
    top = 20,
    onRound = () => {},
  },
) {
  const refOut = `${apiOut}.express`;
  const preload = path.join(__dirname, 'cpu-profile-preload.js');
  const express = await startReference('express', {
    nodeArgs: ['--require', preload],
    env: { CPU_PROFILE_OUT: refOut },
  });
  const sides = [
    { label: 'API', pid: api.pid, url: api.base, path: routePath, headers, out: apiOut },
    {
      label: 'Express',
      pid: express.pid,
      url: express.base,
      path: '/health',
      headers: {},
      out: refOut,
    },
  ];
  let profiled;
  try {
    profiled = await profileAlternately(sides, { connections, duration, rounds, onRound });
  } finally {
    await express.stop();
    fs.rmSync(refOut, { force: true });
  }
  const perRequest = (side, ms) => Math.round(((ms ?? 0) * 10000) / side.requests) / 10; // µs, one decimal
  const [ours, theirs] = profiled;
  const summary = (side) => ({
    requests: side.requests,
    cpuUs: perRequest(side, side.cpuMs),
    sampledUs: perRequest(
      side,
      [...side.byPkg.values()].reduce((a, b) => a + b, 0),
    ),
    top: [...side.byFn]
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, us: perRequest(side, ms) })),
  });
  const rows = (key) =>
    [...new Set([...ours[key].keys(), ...theirs[key].keys()])].map((name) => ({
      name,
      api: perRequest(ours, ours[key].get(name)),
      express: perRequest(theirs, theirs[key].get(name)),
    }));
  return {
    path: routePath,
    rounds,
    duration,
    connections,
    api: summary(ours),
    express: summary(theirs),
    packages: rows('byPkg')
      .filter((r) => Math.max(r.api, r.express) >= 0.5)
      .sort((x, y) => Math.max(y.api, y.express) - Math.max(x.api, x.express)),
    functions: rows('byFn')
      .sort((x, y) => Math.abs(y.api - y.express) - Math.abs(x.api - x.express))
      .slice(0, top),
  };
}

/** The comparison as text (bench/profile-route.js --vs-express). */
function printComparison(c) {
  const cells = (a, b) =>
    `${a.toFixed(1).padStart(7)} ${b.toFixed(1).padStart(8)} ${(a - b).toFixed(1).padStart(14)}`;
  console.log(
    `\n${c.path} on the API against the Express app's /health, ${c.rounds} rounds of ${c.duration} s each, ${c.connections} connections`,
  );
  console.log(
    `CPU per request from /proc: API ${c.api.cpuUs} µs, Express ${c.express.cpuUs} µs (Express ÷ API ${(c.express.cpuUs / c.api.cpuUs).toFixed(2)})`,
  );
  console.log(
    `main thread, sampled and not idle: API ${c.api.sampledUs} µs, Express ${c.express.sampledUs} µs per request`,
  );
  console.log('\nµs per request by package:        API  Express  API − Express');
  for (const r of c.packages)
    console.log(`${r.name.slice(0, 30).padEnd(30)} ${cells(r.api, r.express)}`);
  console.log(
    `\nThe ${c.functions.length} functions that differ most, µs per request:   API  Express  API − Express`,
  );
  for (const r of c.functions)
    console.log(`${r.name.slice(0, 50).padEnd(50)} ${cells(r.api, r.express)}`);
  for (const [label, side] of [
    ['API', c.api],
    ['Express', c.express],
  ]) {
    console.log(`\n${label}: top ${side.top.length} functions, µs per request`);
    for (const { fn, us } of side.top) console.log(`${us.toFixed(1).padStart(6)}  ${fn}`);
  }
}

module.exports = { selfTimes, packageOf, profileDuring, profileAlternately, compareWithExpress, printComparison, REFERENCE_APP };
