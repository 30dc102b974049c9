'use strict';
// Finds or starts the real services the API needs outside production: a server speaking the
// MongoDB wire protocol and Redis. Used by the Jest global setup and by `npm run start:local`.
//
// MongoDB resolution order: MONGODB_URI, then a `mongod` binary (MONGOD_BINARY or PATH), then
// FerretDB v1.24.2 with its SQLite handler (installed with scripts/install-ferretdb.sh if missing).
// Redis: REDIS_URL, then 127.0.0.1:6379 when it answers PING, then a `redis-server` we start.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const FERRETDB_VERSION = 'v1.24.2';
const ROOT = path.resolve(__dirname, '..');

function log(message) {
  process.stderr.write(`[services] ${message}\n`);
}

function which(binary) {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function redisAnswersPing(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
    socket.once('error', () => done(false));
  });
}

async function waitForPort(port, child, name, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with code ${child.exitCode} before listening on ${port}`);
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function startDetachedLogged(binary, args, logFile) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

function stopper(child, name) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      log(`stopping ${name} (pid ${child.pid})`);
      child.kill('SIGTERM');
    });
}

function ferretdbBinaryPath() {
  if (process.env.FERRETDB_BINARY) return process.env.FERRETDB_BINARY;
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'devlink', `ferretdb-${FERRETDB_VERSION}`);
}

function ensureFerretdb() {
  const binary = ferretdbBinaryPath();
  const works =
    fs.existsSync(binary) && spawnSync(binary, ['--version'], { encoding: 'utf8' }).status === 0;
  if (works) return binary;
  log(`FerretDB ${FERRETDB_VERSION} not found at ${binary}; building it (about a minute)`);
  const result = spawnSync('bash', [path.join(ROOT, 'scripts/install-ferretdb.sh'), binary], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(`installing FerretDB failed (exit ${result.status}); see the output above`);
  }
  return binary;
}

/**
 * @param {{ dataDir: string }} options dataDir holds the database files (a temp dir for tests,
 *   ./.data for local runs).
 * @returns {Promise<{ uri: string, kind: string, stop: () => Promise<void> }>}
 */
async function resolveMongo({ dataDir }) {
  if (process.env.MONGODB_URI) {
    return { uri: process.env.MONGODB_URI, kind: 'MONGODB_URI', stop: async () => {} };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const mongod = process.env.MONGOD_BINARY || which('mongod');
  if (mongod) {
    const dbPath = path.join(dataDir, 'mongod');
    fs.mkdirSync(dbPath, { recursive: true });
    const child = startDetachedLogged(
      mongod,
      ['--dbpath', dbPath, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'],
      path.join(dataDir, 'mongod.log'),
    );
    await waitForPort(port, child, 'mongod');
    log(`mongod (${mongod}) on 127.0.0.1:${port}, data in ${dbPath}`);
    return { uri: `mongodb://127.0.0.1:${port}`, kind: 'mongod', pid: child.pid, stop: stopper(child, 'mongod') };
  }
  const ferretdb = ensureFerretdb();
  const sqliteDir = path.join(dataDir, 'ferretdb');
  fs.mkdirSync(sqliteDir, { recursive: true });
  // SQLite by default; FERRETDB_POSTGRESQL_URL switches to FerretDB's PostgreSQL handler (used by
  // the benchmarks to compare: it pushes equality filters down to PostgreSQL, SQLite does not).
  const pgUrl = process.env.FERRETDB_POSTGRESQL_URL;
  const handlerArgs = pgUrl
    ? ['--handler=postgresql', `--postgresql-url=${pgUrl}`]
    : ['--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`];
  const child = startDetachedLogged(
    ferretdb,
    [
      ...handlerArgs,
      `--state-dir=${sqliteDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--debug-addr=',
      '--log-level=warn',
    ],
    path.join(dataDir, 'ferretdb.log'),
  );
  await waitForPort(port, child, 'ferretdb');
  const handler = pgUrl ? 'PostgreSQL' : 'SQLite';
  log(`FerretDB ${FERRETDB_VERSION} (${handler} handler) on 127.0.0.1:${port}, data in ${pgUrl ? 'PostgreSQL' : sqliteDir}`);
  return { uri: `mongodb://127.0.0.1:${port}`, kind: `ferretdb-${handler.toLowerCase()}`, pid: child.pid, stop: stopper(child, 'ferretdb') };
}

/** @returns {Promise<{ url: string, kind: string, stop: () => Promise<void> }>} */
async function resolveRedis({ dataDir }) {
  if (process.env.REDIS_URL) {
    return { url: process.env.REDIS_URL, kind: 'REDIS_URL', stop: async () => {} };
  }
  if (await redisAnswersPing(6379)) {
    return { url: 'redis://127.0.0.1:6379', kind: 'local', stop: async () => {} };
  }
  const redisServer = which('redis-server');
  if (!redisServer) {
    throw new Error(
      'Redis is not reachable at 127.0.0.1:6379 and no redis-server binary is installed. ' +
        'Install Redis (e.g. `apt-get install redis-server`) or set REDIS_URL.',
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const child = startDetachedLogged(
    redisServer,
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dataDir],
    path.join(dataDir, 'redis.log'),
  );
  await waitForPort(port, child, 'redis-server');
  log(`redis-server on 127.0.0.1:${port}`);
  return { url: `redis://127.0.0.1:${port}`, kind: 'redis-server', pid: child.pid, stop: stopper(child, 'redis-server') };
}

module.exports = { resolveMongo, resolveRedis, ensureFerretdb, freePort, ROOT };
