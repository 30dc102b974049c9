'use strict';
// `npm run start:local`: builds the app, finds or starts MongoDB-compatible storage (data kept in
// ./.data) and Redis, then runs the API and the worker side by side until Ctrl+C.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { API_NODE_FLAGS } = require('./api-node-flags');
const { resolveMongo, resolveRedis, devSecrets, freePort, nonEmpty, ROOT } = require('./services');

const DATA_DIR = path.join(ROOT, '.data');

async function waitForHealth(url, child, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`API exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`API did not answer ${url} within ${timeoutMs} ms`);
}

async function main() {
  const started = Date.now();
  fs.mkdirSync(DATA_DIR, { recursive: true });
  if (fs.existsSync('.env')) process.loadEnvFile('.env');

  console.log('[start:local] building…');
  const build = spawnSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);

  const mongo = await resolveMongo({ dataDir: DATA_DIR });
  const redis = await resolveRedis({ dataDir: DATA_DIR });
  const port = process.env.PORT || '3000';
  // A free loopback port unless one is configured, so a second checkout's start:local also starts.
  const workerHealthPort = process.env.WORKER_HEALTH_PORT || String(await freePort());
  const env = {
    NODE_ENV: 'development',
    COOKIE_SECURE: 'false',
    TRUST_PROXY_HOPS: '0', // the API is reached directly: X-Forwarded-For is not trusted
    MONGODB_DB_NAME: 'devlink',
    MAIL_OUTBOX_DIR: path.join(DATA_DIR, 'outbox'),
    ...devSecrets(DATA_DIR),
    ...nonEmpty(process.env),
    MONGODB_URI: mongo.uri,
    REDIS_URL: redis.url,
    PORT: port,
    WORKER_HEALTH_PORT: workerHealthPort,
  };

  // Data migrations run once, before the API starts (as compose does).
  const migrate = spawnSync(process.execPath, ['dist/main.migrate.js'], { cwd: ROOT, env, stdio: 'inherit' });
  if (migrate.status !== 0) {
    console.error(`[start:local] migrations failed (exit ${migrate.status})`);
    await Promise.all([mongo.stop(), redis.stop()]);
    process.exit(1);
  }

  const children = [
    spawn(process.execPath, [...API_NODE_FLAGS, 'dist/main.js'], { cwd: ROOT, env, stdio: 'inherit' }),
    spawn(process.execPath, ['dist/main.worker.js'], { cwd: ROOT, env, stdio: 'inherit' }),
  ];
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    await mongo.stop();
    await redis.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  children.forEach((child) =>
    child.on('exit', (code) => {
      if (!stopping) {
        console.error(`[start:local] a process exited with code ${code}; stopping the rest`);
        void stop(code || 1);
      }
    }),
  );

  const base = `http://localhost:${port}`;
  await waitForHealth(`${base}/health`, children[0]);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n[start:local] DevLink API ready in ${seconds}s (database: ${mongo.kind}, redis: ${redis.kind})`);
  console.log(`[start:local]   API:        ${base}`);
  console.log(`[start:local]   Swagger UI: ${base}/docs  (OpenAPI JSON: ${base}/docs-json)`);
  console.log(`[start:local]   Worker:     health on http://127.0.0.1:${workerHealthPort}/health (emails go to .data/outbox without RESEND_API_KEY)`);
  console.log('[start:local] Press Ctrl+C to stop.\n');
}

main().catch((error) => {
  console.error(`[start:local] ${error.stack || error}`);
  process.exit(1);
});
