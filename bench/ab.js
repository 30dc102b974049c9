'use strict';
// Two builds of the API side by side (issue 15): both on the same services and data, each route
// loaded on A then B (B then A in odd rounds) over several rounds, so a machine that speeds up or
// slows down mid-run affects both alike. Reports, per route and build, the median req/s and the
// server's CPU µs per request (user + system from /proc: steadier than req/s on a shared
// machine), and each route's CPU ratio to /profile per build (issue 15's feed target).
// Usage: npm run build && node bench/ab.js --a /path/to/other/checkout [--b .]
//          [--routes profile,feed-skills,feed] [--users 1000] [--rounds 4] [--duration 4]
// (each checkout built; `git worktree add --detach ../before <commit>` gives one to compare with),
// or one build against a variant of itself with one part taken out (bench/variants.js):
//        node bench/ab.js --a . --b-variant raw-health --routes health,not-found
// or one build against itself started with other node options (V8's heap sizes, say):
//        node bench/ab.js --a . --b-node-args="--max-semi-space-size=32" --routes health,profile
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { MongoClient } = require('mongodb');
const { startServices, startApi, newNamespace, newSecrets, processCpuMs, median } = require('./harness');
const { ROUTES } = require('./http');
const { seed, viewerCookie } = require('./seed');
const { VARIANTS } = require('./variants');


async function main() {
  const { values } = parseArgs({
    options: {
      a: { type: 'string' },
      b: { type: 'string', default: '.' },
      'b-variant': { type: 'string' },
      'b-node-args': { type: 'string', default: '' },
      routes: { type: 'string', default: 'profile,feed-skills,feed' },
      users: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '4' },
      duration: { type: 'string', default: '4' },
    },
  });
  if (!values.a) throw new Error('--a wants the checkout to compare with (built)');
  const routes = values.routes.split(',').filter(Boolean);
  if (!routes.includes('profile')) routes.unshift('profile');
  for (const name of routes) if (!ROUTES[name]) throw new Error(`unknown route ${name}`);
  const builds = [
    { label: 'A', dir: path.resolve(values.a) },
    { label: 'B', dir: path.resolve(values.b), variant: values['b-variant'], nodeArgs: values['b-node-args'].split(' ').filter(Boolean) },
  ];
  if (values['b-variant'] && !VARIANTS.includes(values['b-variant'])) throw new Error(`--b-variant: one of ${VARIANTS.join(', ')}`);
  const services = await startServices();
  const db = newNamespace();
  const secrets = newSecrets();
  const apis = [];
  try {
    for (const build of builds) {
      const variant = build.variant
        ? { env: { BENCH_VARIANT: build.variant }, nodeArgs: ['--require', path.join(__dirname, 'variants.js')] }
        : { env: {}, nodeArgs: [] };
      const nodeArgs = [...(build.nodeArgs ?? []), ...variant.nodeArgs];
      apis.push(await startApi(services, { db, secrets, appDir: build.dir, env: { TRUST_PROXY_HOPS: '1', ...variant.env }, nodeArgs }));
    }
    const client = await MongoClient.connect(services.mongo.uri);
    const seeded = await seed(client, db, Number(values.users));
    await client.close();
    const cookies = [];
    for (const api of apis) cookies.push(await viewerCookie(api.base));
    const samples = new Map();
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const name of routes) {
        const route = ROUTES[name];
        const routePath = typeof route.path === 'function' ? route.path(seeded) : route.path;
        for (const i of round % 2 ? [1, 0] : [0, 1]) {
          const headers = { ...route.headers, ...(route.auth ? { cookie: cookies[i] } : {}) };
          const load = { url: apis[i].base, connections: 10, requests: [{ method: route.method || 'GET', path: routePath, headers, body: route.body }] };
          await autocannon({ ...load, duration: 1 });
          const before = processCpuMs(apis[i].pid);
          const result = await autocannon({ ...load, duration: Number(values.duration) });
          const unexpected = route.status ? result.requests.total - (result.statusCodeStats?.[route.status]?.count ?? 0) : result.non2xx;
          if (unexpected > 0) throw new Error(`${name} on ${builds[i].label}: ${unexpected} answers not ${route.status ?? '2xx'}`);
          const key = `${name}\t${builds[i].label}`;
          if (!samples.has(key)) samples.set(key, []);
          samples.get(key).push({ rps: result.requests.average, cpuUs: ((processCpuMs(apis[i].pid) - before) * 1000) / result.requests.total });
        }
      }
    }
    console.log(`A = ${builds[0].dir}\nB = ${builds[1].dir}${builds[1].variant ? ` (variant ${builds[1].variant})` : ''}${builds[1].nodeArgs.length ? ` (node ${builds[1].nodeArgs.join(' ')})` : ''}\n${values.users} users, ${values.rounds} rounds × ${values.duration} s, 10 connections`);
    console.log('route            build    req/s  CPU µs/req  (each round)');
    const cpu = (name, label) => median(samples.get(`${name}\t${label}`).map((s) => s.cpuUs));
    for (const name of routes) {
      for (const { label } of builds) {
        const rows = samples.get(`${name}\t${label}`);
        console.log(
          `${name.padEnd(16)} ${label.padEnd(5)} ${median(rows.map((s) => s.rps)).toFixed(0).padStart(8)} ${cpu(name, label).toFixed(0).padStart(11)}  (${rows.map((s) => s.cpuUs.toFixed(0)).join(' ')})`,
        );
      }
    }
    // Each round loads A and B back to back: the median of the rounds' B ÷ A ratios leaves out most
    // of what the machine did between rounds.
    for (const name of routes) {
      const [a, b] = builds.map(({ label }) => samples.get(`${name}\t${label}`));
      const paired = a.map((sample, round) => b[round].cpuUs / sample.cpuUs);
      console.log(`${name}: B ÷ A CPU per request, median of ${paired.length} paired rounds: ${median(paired).toFixed(3)}`);
    }
    for (const name of routes.filter((r) => r !== 'profile')) {
      const ratios = builds.map(({ label }) => `${label} ${(cpu('profile', label) / cpu(name, label)).toFixed(3)}`);
      console.log(`${name} ÷ /profile (CPU per request, as a throughput ratio): ${ratios.join(', ')}`);
    }
  } finally {
    for (const api of apis) await api.stop();
    await services.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
