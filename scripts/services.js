'use strict';
// Finds or starts the real services the API needs outside production: a server speaking the
// MongoDB wire protocol and Redis. Used by the Jest global setup and by `npm run start:local`.
//
// MongoDB resolution order: MONGODB_URI, then a `mongod` binary (MONGOD_BINARY or PATH), then
// FerretDB v2 on a private PostgreSQL cluster with DocumentDB (real index scans; the extension is
// installed from DOCUMENTDB_DIST or ../shared/documentdb when missing), then FerretDB v1.24 with
// its SQLite handler (correct, but every query except `{_id}` scans). FerretDB binaries are built
// with Go on first use (scripts/install-ferretdb.sh) and cached. FERRETDB_ENGINE=sqlite skips v2.
// Redis: REDIS_URL, then 127.0.0.1:6379 when it answers PING, then a `redis-server` we start.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { ensureDocumentdb, startCluster } = require('./documentdb');

const FERRETDB_V2 = 'v2.7.0';
const FERRETDB_V1 = 'v1.24.2';
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

function ferretdbBinaryPath(version) {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'devlink', `ferretdb-${version}`);
}

/** The cached FerretDB binary of `version`, built first if missing. */
function ensureFerretdb(version = FERRETDB_V2) {
  const binary = ferretdbBinaryPath(version);
  const works =
    fs.existsSync(binary) && spawnSync(binary, ['--version'], { encoding: 'utf8' }).status === 0;
  if (works) return binary;
  log(`FerretDB ${version} not found at ${binary}; building it (about a minute)`);
  const result = spawnSync('bash', [path.join(ROOT, 'scripts/install-ferretdb.sh'), version, binary], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(`installing FerretDB ${version} failed (exit ${result.status}); see the output above`);
  }
  return binary;
}

async function startMongod(mongod, dataDir) {
  const port = await freePort();
  const dbPath = path.join(dataDir, 'mongod');
  fs.mkdirSync(dbPath, { recursive: true });
  const child = startDetachedLogged(
    mongod,
    ['--dbpath', dbPath, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'],
    path.join(dataDir, 'mongod.log'),
  );
  await waitForPort(port, child, 'mongod');
  log(`storage: mongod (${mongod}) on 127.0.0.1:${port}, data in ${dbPath}`);
  return { uri: `mongodb://127.0.0.1:${port}`, kind: 'mongod', pid: child.pid, stop: stopper(child, 'mongod') };
}

async function startFerretdb(binary, args, dataDir) {
  const port = await freePort();
  const stateDir = path.join(dataDir, 'ferretdb');
  fs.mkdirSync(stateDir, { recursive: true });
  const child = startDetachedLogged(
    binary,
    [
      ...args,
      `--state-dir=${stateDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--log-level=warn',
    ],
    path.join(dataDir, 'ferretdb.log'),
  );
  await waitForPort(port, child, 'ferretdb');
  return { port, child };
}

/** FerretDB v2 over a private PostgreSQL + DocumentDB cluster kept in `dataDir/postgres`. */
async function startFerretdbDocumentdb(dataDir, why) {
  const binary = ensureFerretdb(FERRETDB_V2);
  const pgPort = await freePort();
  const cluster = startCluster({ preferredDir: path.join(dataDir, 'postgres'), port: pgPort });
  let ferret;
  try {
    ferret = await startFerretdb(
      binary,
      [`--postgresql-url=${cluster.url}`, '--no-auth', '--debug-addr=-'],
      dataDir,
    );
  } catch (error) {
    cluster.stop();
    throw error;
  }
  log(
    `storage: FerretDB ${FERRETDB_V2} + PostgreSQL/DocumentDB (${why}) on 127.0.0.1:${ferret.port}; ` +
      `private cluster on 127.0.0.1:${pgPort}, data in ${cluster.dir}`,
  );
  const stopFerret = stopper(ferret.child, 'ferretdb');
  return {
    uri: `mongodb://127.0.0.1:${ferret.port}`,
    kind: 'ferretdb-documentdb',
    pid: ferret.child.pid,
    postgresUrl: cluster.url, // the bench ANALYZEs DocumentDB's tables after a bulk load
    stop: async () => {
      await stopFerret();
      log('stopping the private PostgreSQL cluster');
      cluster.stop();
    },
  };
}

/** FerretDB v1.24 on SQLite: the fallback that needs nothing but Go. */
async function startFerretdbSqlite(dataDir, why) {
  const binary = ensureFerretdb(FERRETDB_V1);
  const sqliteDir = path.join(dataDir, 'ferretdb');
  const { port, child } = await startFerretdb(
    binary,
    ['--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`, '--debug-addr='],
    dataDir,
  );
  log(`storage: FerretDB ${FERRETDB_V1} SQLite handler (${why}) on 127.0.0.1:${port}, data in ${sqliteDir}`);
  log('storage: note that FerretDB 1.24 on SQLite scans every collection: fine for correctness, not for timing');
  return { uri: `mongodb://127.0.0.1:${port}`, kind: 'ferretdb-sqlite', pid: child.pid, stop: stopper(child, 'ferretdb') };
}

/**
 * @param {{ dataDir: string }} options dataDir holds the database files (a temp dir for tests,
 *   ./.data for local runs).
 * @returns {Promise<{ uri: string, kind: string, stop: () => Promise<void> }>}
 */
async function resolveMongo({ dataDir }) {
  if (process.env.MONGODB_URI) {
    log('storage: MONGODB_URI is set; using it');
    return { uri: process.env.MONGODB_URI, kind: 'MONGODB_URI', stop: async () => {} };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const mongod = process.env.MONGOD_BINARY || which('mongod');
  if (mongod) return startMongod(mongod, dataDir);

  const engine = process.env.FERRETDB_ENGINE || 'documentdb';
  if (engine !== 'documentdb' && engine !== 'sqlite') {
    throw new Error(`FERRETDB_ENGINE must be "documentdb" or "sqlite", not "${engine}"`);
  }
  if (engine === 'sqlite') return startFerretdbSqlite(dataDir, 'FERRETDB_ENGINE=sqlite');
  const documentdb = ensureDocumentdb(ROOT, log);
  if (!documentdb.ok) {
    return startFerretdbSqlite(dataDir, `fallback: ${documentdb.reason}`);
  }
  return startFerretdbDocumentdb(dataDir, `no mongod; DocumentDB ${documentdb.how}`);
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

/** Development secrets, generated once and kept in `dataDir` so sessions survive restarts. */
function devSecrets(dataDir) {
  const file = path.join(dataDir, 'dev-secrets.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const secrets = {
    ACCESS_TOKEN_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    REFRESH_TOKEN_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
  };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * The variables of `env` that are set to something: `.env.example` leaves the token secrets empty,
 * and an empty value copied from it must not hide the generated development secrets.
 */
function nonEmpty(env) {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}

module.exports = { resolveMongo, resolveRedis, ensureFerretdb, freePort, which, redisAnswersPing, devSecrets, nonEmpty, ROOT };
