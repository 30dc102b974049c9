'use strict';
// Shared by the benchmarks: starts the compiled API with production settings on the embedded
// database and Redis (same resolution as the tests) in a fresh namespace, and tears it all down.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveMongo, resolveRedis, freePort, ROOT } = require('../scripts/services');

// BENCH_APP_DIR=/other/checkout benchmarks that checkout's build (before/after) on the same services.
const APP_DIR = process.env.BENCH_APP_DIR ? path.resolve(process.env.BENCH_APP_DIR) : ROOT;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** "name n=… p50=… p95=… p99=… mean=…" for a list of millisecond samples. */
function summary(name, samples, width = 28) {
  const s = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const f = (v) => `${v.toFixed(1)}ms`;
  return `${name.padEnd(width)} n=${s.length} p50=${f(pct(s, 50))} p95=${f(pct(s, 95))} p99=${f(pct(s, 99))} mean=${f(mean)}`;
}

/** @returns {Promise<{ base: string, mongo: { uri: string, kind: string }, db: string, stop: () => Promise<void> }>} */
async function startBenchApi(extraEnv = {}) {
  if (!fs.existsSync(path.join(APP_DIR, 'dist/main.js'))) throw new Error(`run \`npm run build\` first (in ${APP_DIR})`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devlink-bench-'));
  const mongo = await resolveMongo({ dataDir });
  const redis = await resolveRedis({ dataDir });
  const port = await freePort();
  const db = `bench_${crypto.randomBytes(3).toString('hex')}`;
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    MONGODB_URI: mongo.uri,
    MONGODB_DB_NAME: db,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: db,
    FRONTEND_URL: 'http://localhost:5173',
    ACCESS_TOKEN_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    REFRESH_TOKEN_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const nodeArgs = (process.env.BENCH_NODE_ARGS || '').split(' ').filter(Boolean); // e.g. --cpu-prof
  const api = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], { cwd: APP_DIR, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (api.exitCode === null) {
      api.kill('SIGTERM');
      await new Promise((r) => api.once('exit', r));
    }
    await mongo.stop();
    await redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      if (i > 300) {
        await stop();
        throw new Error('API did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { base, mongo, db, stop };
}

module.exports = { startBenchApi, summary, APP_DIR };
