'use strict';
// Measures signup and login latency: N sequential requests each against the compiled API
// (`npm run build` first), real FerretDB/mongod and Redis, production settings, default bcrypt cost.
// Usage: node bench/auth-latency.js [N=200]
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MongoClient } = require('mongodb');
const { resolveMongo, resolveRedis, freePort, ROOT } = require('../scripts/services');

const N = Number(process.argv[2] || 200);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(name, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return `${name.padEnd(7)} n=${samples.length} p50=${percentile(sorted, 50).toFixed(1)}ms p95=${percentile(sorted, 95).toFixed(1)}ms p99=${percentile(sorted, 99).toFixed(1)}ms mean=${mean.toFixed(1)}ms`;
}

async function timed(url, body) {
  const ip = `10.${crypto.randomInt(1, 255)}.${crypto.randomInt(1, 255)}.${crypto.randomInt(1, 255)}`;
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  return { ms, status: res.status };
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist/main.js'))) throw new Error('run `npm run build` first');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devlink-bench-'));
  const mongo = await resolveMongo({ dataDir });
  const redis = await resolveRedis({ dataDir });
  const port = await freePort();
  const namespace = `bench_${crypto.randomBytes(3).toString('hex')}`;
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    MONGODB_URI: mongo.uri,
    MONGODB_DB_NAME: namespace,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: namespace,
    FRONTEND_URL: 'http://localhost:5173',
    ACCESS_TOKEN_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    REFRESH_TOKEN_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    ...(process.env.BCRYPT_COST ? { BCRYPT_COST: process.env.BCRYPT_COST } : {}),
  };
  const api = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        if (i > 300) throw new Error('API did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const password = 'Str0ng!pass';
    const emails = Array.from({ length: N }, (_, i) => `bench${i}@example.com`);
    const signup = [];
    for (const emailId of emails) {
      const { ms, status } = await timed(`${base}/auth/signup`, { firstName: 'Bench', lastName: 'User', emailId, password });
      if (status !== 201) throw new Error(`signup answered ${status}`);
      signup.push(ms);
    }
    const client = await MongoClient.connect(mongo.uri);
    await client.db(namespace).collection('users').updateMany({}, { $set: { emailVerified: true } });
    const login = [];
    for (const emailId of emails) {
      const { ms, status } = await timed(`${base}/auth/login`, { emailId, password });
      if (status !== 200) throw new Error(`login answered ${status}`);
      login.push(ms);
    }
    // Timing equalisation: unknown emails must cost what wrong passwords cost (one bcrypt each).
    const unknown = [];
    const wrong = [];
    for (let i = 0; i < Math.ceil(N / 4); i++) {
      unknown.push((await timed(`${base}/auth/login`, { emailId: `ghost${i}@example.com`, password })).ms);
      wrong.push((await timed(`${base}/auth/login`, { emailId: emails[i], password: 'Wr0ng!pass' })).ms);
    }
    await client.db(namespace).dropDatabase();
    await client.close();
    console.log(`auth latency, ${N} sequential requests each, database ${mongo.kind}, bcrypt cost ${env.BCRYPT_COST || 'default'}`);
    console.log(summary('signup', signup));
    console.log(summary('login', login));
    console.log(summary('unknown', unknown));
    console.log(summary('wrongpw', wrong));
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
    await mongo.stop();
    await redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
