'use strict';
// Shared by the benchmarks: finds or starts the database and Redis (same resolution as the tests:
// MONGODB_URI for a real MongoDB), starts compiled API processes with production settings in a
// fresh namespace, and tears it all down.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { API_NODE_FLAGS } = require('../scripts/api-node-flags');
const { resolveMongo, resolveRedis, freePort, ROOT } = require('../scripts/services');
const { analyzeDocumentTables } = require('../scripts/documentdb');

// BENCH_APP_DIR=/other/checkout benchmarks that checkout's build (before/after) on the same services.
const APP_DIR = process.env.BENCH_APP_DIR ? path.resolve(process.env.BENCH_APP_DIR) : ROOT;
const PROBE = path.join(__dirname, 'probe.js');

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** p50/p95/p99/mean/max of millisecond samples. */
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), mean, max: s.at(-1) };
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * CPU milliseconds used so far by process `pid` (user + system, from /proc), or null off Linux.
 * Per request it measures the server's own cost, which autocannon on the same cores leaves alone.
 */
function processCpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** The middle value; for an even count, the mean of the middle two. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** "name n=… p50=… p95=… p99=… mean=…" for a list of millisecond samples. */
function summary(name, samples, width = 28) {
  const { n, p50, p95, p99, mean } = stats(samples);
  const f = (v) => `${v.toFixed(1)}ms`;
  return `${name.padEnd(width)} n=${n} p50=${f(p50)} p95=${f(p95)} p99=${f(p99)} mean=${f(mean)}`;
}

/**
 * The database and Redis, once per run; every API started on them gets its own database and
 * Redis key prefix.
 * @returns {Promise<{ mongo: { uri: string, kind: string }, redis: { url: string, kind: string }, stop: () => Promise<void> }>}
 */
async function startServices() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devlink-bench-'));
  const mongo = await resolveMongo({ dataDir });
  const redis = await resolveRedis({ dataDir });
  const stop = async () => {
    await mongo.stop();
    await redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { mongo, redis, stop };
}

/** A fresh namespace: database name and Redis key prefix. */
const newNamespace = () => `bench_${crypto.randomBytes(3).toString('hex')}`;

/**
 * One compiled API process on `services`, database `db`. Instances started with the same `db` and
 * `secrets` form one deployment (shared sessions, Redis adapter, caches).
 * `appDir`: the checkout whose build runs (default BENCH_APP_DIR or this one; bench/ab.js runs two).
 * `nodeArgs`: more arguments for node (bench/ab.js preloads bench/variants.js with them).
 * With `probe: true` the process preloads bench/probe.js, which answers RSS and event-loop delay
 * over the IPC channel (see `probe()`).
 * The API creates its indexes before it listens, so on a freshly seeded database the boot includes
 * building them: `bootSeconds` bounds the wait.
 */
async function startApi(services, { db, secrets, env: extraEnv = {}, probe = false, bootSeconds = 60, appDir = APP_DIR, nodeArgs: extraNodeArgs = [] }) {
  if (!fs.existsSync(path.join(appDir, 'dist/main.js'))) throw new Error(`run \`npm run build\` first (in ${appDir})`);
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    MONGODB_URI: services.mongo.uri,
    MONGODB_DB_NAME: db,
    REDIS_URL: services.redis.url,
    REDIS_KEY_PREFIX: db,
    FRONTEND_URL: 'http://localhost:5173',
    ACCESS_TOKEN_SECRET_KEY: secrets.access,
    REFRESH_TOKEN_SECRET_KEY: secrets.refresh,
    LOG_LEVEL: 'warn',
    // For bench/promise-count-preload.js.
    ...(process.env.PROMISE_SITES ? { PROMISE_SITES: process.env.PROMISE_SITES } : {}),
    ...extraEnv,
  };
  // Later flags win: BENCH_NODE_ARGS or nodeArgs may set another young-generation size.
  const nodeArgs = [...API_NODE_FLAGS, ...(process.env.BENCH_NODE_ARGS || '').split(' ').filter(Boolean), ...extraNodeArgs]; // e.g. --cpu-prof
  if (probe) nodeArgs.push('--require', PROBE);
  const api = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
    cwd: appDir,
    env,
    // BENCH_API_STDOUT: a file for the API's stdout (node's --trace-gc-nvp, say); dropped otherwise.
    stdio: ['ignore', process.env.BENCH_API_STDOUT ? fs.openSync(process.env.BENCH_API_STDOUT, 'a') : 'ignore', 'inherit', ...(probe ? ['ipc'] : [])],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (api.exitCode === null && api.signalCode === null) {
      api.kill('SIGTERM');
      await new Promise((r) => api.once('exit', r));
    }
  };
  const deadline = Date.now() + bootSeconds * 1000;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      if (Date.now() > deadline || api.exitCode !== null) {
        await stop();
        throw new Error('API did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** Asks the preloaded probe; `reset` starts a new event-loop delay window. */
  const probeRequest = (command) =>
    new Promise((resolve, reject) => {
      if (!probe) return reject(new Error('started without probe'));
      const id = crypto.randomUUID();
      const timer = setTimeout(() => reject(new Error('probe did not answer')), 10_000);
      const onMessage = (message) => {
        if (message?.probeAnswer !== id) return;
        clearTimeout(timer);
        api.off('message', onMessage);
        resolve(message.value);
      };
      api.on('message', onMessage);
      api.send({ probe: command, id });
    });
  return { base, pid: api.pid, stop, probe: probeRequest };
}

/**
 * Refreshes the planner statistics of database `db` after a bulk load (FerretDB v2 + DocumentDB:
 * VACUUM (ANALYZE) of its PostgreSQL tables). MongoDB has no equivalent to run; there it does nothing.
 * @returns {string[]} the tables analysed
 */
function analyzeDatabase(services, db) {
  return services.mongo.postgresUrl ? analyzeDocumentTables(services.mongo.postgresUrl, db) : [];
}

const newSecrets = () => ({ access: crypto.randomBytes(32).toString('hex'), refresh: crypto.randomBytes(32).toString('hex') });

/**
 * Services plus one API in a fresh namespace; `stop` ends both (the single-API scripts).
 * @returns {Promise<{ base: string, pid: number, mongo: { uri: string, kind: string }, db: string, secrets: { access: string, refresh: string }, stop: () => Promise<void> }>}
 */
async function startBenchApi(extraEnv = {}) {
  const services = await startServices();
  const db = newNamespace();
  const secrets = newSecrets();
  let api;
  try {
    api = await startApi(services, { db, secrets, env: extraEnv });
  } catch (error) {
    await services.stop();
    throw error;
  }
  const stop = async () => {
    await api.stop();
    await services.stop();
  };
  return { base: api.base, pid: api.pid, mongo: services.mongo, db, secrets, stop };
}

module.exports = { startBenchApi, startServices, startApi, analyzeDatabase, newNamespace, newSecrets, summary, stats, processCpuMs, median, APP_DIR };
