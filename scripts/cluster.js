'use strict';
// The deployed topology on one machine: nginx (the only entry point) in front of N API instances
// and M workers, the way compose runs it (deploy/nginx/devlink.conf.template is the one nginx
// config for both). Used by `npm run start:cluster`, `npm run cluster:roll`, the cluster e2e test
// and `npm run bench:cluster`.
//
//   node scripts/cluster.js start [--apis 3] [--workers 2] [--port 8080]
//   node scripts/cluster.js roll      (restarts the running cluster's APIs one at a time)
//
// An instance that exits unexpectedly is started again (compose's `restart: unless-stopped`).
// SIGHUP to the `start` process (what `roll` sends) restarts the APIs one at a time: each is sent
// SIGTERM (it drains: see src/common/bootstrap/http-drain.ts), started again on the same port and
// waited for until ready before the next; nginx meanwhile sends everything to the others.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { API_NODE_FLAGS } = require('./api-node-flags');
const { devSecrets, nonEmpty, freePort, which, ROOT } = require('./services');

const TEMPLATE = path.join(ROOT, 'deploy/nginx/devlink.conf.template');
const ERROR_PAGES = path.join(ROOT, 'deploy/nginx/errors');
const STOP_TIMEOUT_MS = 15_000;
/** nginx leaves a failing instance out this long (passive health); a roll waits as long per step. */
const NGINX_FAIL_TIMEOUT_S = 3;

const log = (message) => process.stderr.write(`[cluster] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The nginx binary; installs Debian's nginx-light when missing and running as root. */
function ensureNginx() {
  const found = which('nginx') || ['/usr/sbin/nginx'].find((file) => fs.existsSync(file));
  if (found) return found;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error('nginx is not installed and this is not root: run `apt-get install nginx-light` as root');
  }
  log('nginx not found: installing nginx-light (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx-light'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  let result = install();
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    result = install();
  }
  if (result.status !== 0) throw new Error(`apt-get install nginx-light failed (exit ${result.status})`);
  // The package may start the distribution's own nginx on port 80; ours runs with its own config.
  return which('nginx') || '/usr/sbin/nginx';
}

/** deploy/nginx/devlink.conf.template with its variables filled in, as envsubst does in compose. */
function renderSiteConfig({ port, upstreams, accessLog, frontendUrl }) {
  const values = {
    FRONTEND_URL: frontendUrl,
    NGINX_PORT: String(port),
    NGINX_ACCESS_LOG: accessLog,
    API_UPSTREAMS: upstreams.map((address) => `server ${address} max_fails=3 fail_timeout=${NGINX_FAIL_TIMEOUT_S}s;`).join('\n    '),
    NGINX_STATIC_DIR: ERROR_PAGES,
  };
  return fs.readFileSync(TEMPLATE, 'utf8').replace(/\$\{(NGINX_PORT|NGINX_ACCESS_LOG|API_UPSTREAMS|NGINX_STATIC_DIR|FRONTEND_URL)\}/g, (_, name) => values[name]);
}

/** The main nginx.conf around the site config: what the official image's own nginx.conf provides. */
function mainConfig(dir) {
  // As root, nginx's workers would run as `nobody` and could not read a checkout or runtime
  // directory that only its owner may enter (a clone in a 0700 temporary directory).
  const runAs = process.getuid?.() === 0 ? ['user root;'] : [];
  return [
    ...runAs,
    'worker_processes 2;',
    'worker_rlimit_nofile 65536;',
    `pid ${dir}/nginx.pid;`,
    'error_log stderr warn;',
    'events { worker_connections 16384; }',
    'http {',
    '  default_type application/octet-stream;',
    `  client_body_temp_path ${dir}/temp/body;`,
    `  proxy_temp_path ${dir}/temp/proxy;`,
    '  include site.conf;',
    '}',
    '',
  ].join('\n');
}

function waitForExit(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function waitUntilReady(url, isAlive, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process exited before ${url} was ready`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/**
 * One supervised process: started again when it exits unexpectedly (after `restartDelayMs`),
 * stopped with SIGTERM (SIGKILL after STOP_TIMEOUT_MS).
 */
class Supervised {
  constructor(name, command, args, env, { onOutput, restartDelayMs = 500 } = {}) {
    Object.assign(this, { name, command, args, env, onOutput, restartDelayMs });
    this.stopping = false;
    this.starts = 0;
    this.child = undefined;
  }

  start() {
    this.starts++;
    const child = spawn(this.command, this.args, { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const forward = (chunk) => (this.onOutput ? this.onOutput(this.name, chunk) : process.stdout.write(chunk));
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child) return;
      log(`${this.name} exited (${signal || `code ${code}`}); starting it again`);
      setTimeout(() => {
        if (!this.stopping && this.child === child) this.start();
      }, this.restartDelayMs);
    });
    return child;
  }

  get alive() {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** Stops the current process; `restart` starts a new one once it has exited. */
  async stop({ restart = false } = {}) {
    const child = this.child;
    this.stopping = !restart;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
        log(`${this.name} did not stop within ${STOP_TIMEOUT_MS} ms: SIGKILL`);
        child.kill('SIGKILL');
        await waitForExit(child, 5000);
      }
    }
    if (restart) this.start();
  }

  kill(signal = 'SIGKILL') {
    this.child?.kill(signal);
  }
}

/**
 * Starts nginx, `apis` API instances and `workers` workers against `env` (MONGODB_URI, REDIS_URL,
 * secrets…). `entry(name)` gives the node arguments of an entry point ('main', 'main.worker'):
 * the compiled build by default. Migrations are the caller's (run them once before).
 */
async function startCluster({ env, apis = 3, workers = 2, port, entry = (name) => [path.join(ROOT, `dist/${name}.js`)], onOutput, runtimeDir }) {
  const nginxBinary = ensureNginx();
  const dir = runtimeDir || fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'devlink-cluster-'));
  fs.mkdirSync(path.join(dir, 'temp'), { recursive: true });
  const apiPorts = [];
  for (let i = 0; i < apis; i++) apiPorts.push(await freePort());
  const nginxPort = port || (await freePort());

  const apiProcesses = apiPorts.map(
    (apiPort, i) =>
      new Supervised(`api-${i + 1}`, process.execPath, [...API_NODE_FLAGS, ...entry('main')], { ...env, PORT: String(apiPort), TRUST_PROXY_HOPS: '1' }, { onOutput }),
  );
  const workerProcesses = Array.from(
    { length: workers },
    (_, i) => new Supervised(`worker-${i + 1}`, process.execPath, entry('main.worker'), { ...env, WORKER_HEALTH_PORT: '0' }, { onOutput }),
  );
  const stopAll = async () => {
    await Promise.all([...apiProcesses, ...workerProcesses].map((p) => p.stop()));
    if (nginx) await nginx.stop();
  };
  let nginx;
  try {
    for (const p of [...apiProcesses, ...workerProcesses]) p.start();
    await Promise.all(apiProcesses.map((p, i) => waitUntilReady(`http://127.0.0.1:${apiPorts[i]}/health/ready`, () => p.alive)));

    fs.writeFileSync(path.join(dir, 'site.conf'), renderSiteConfig({
        port: nginxPort,
        upstreams: apiPorts.map((p) => `127.0.0.1:${p}`),
        accessLog: path.join(dir, 'access.log'),
        frontendUrl: env.FRONTEND_URL || 'http://localhost:5173',
      }));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), mainConfig(dir));
    const test = spawnSync(nginxBinary, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
    if (test.status !== 0) throw new Error(`nginx refused the generated config:\n${test.stderr}`);
    nginx = new Supervised('nginx', nginxBinary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], process.env, { onOutput });
    nginx.start();
    await waitUntilReady(`http://127.0.0.1:${nginxPort}/health`, () => nginx.alive);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const url = `http://127.0.0.1:${nginxPort}`;
  return {
    url,
    dir,
    apis: apiProcesses.map((p, i) => ({ process: p, port: apiPorts[i], url: `http://127.0.0.1:${apiPorts[i]}` })),
    workers: workerProcesses,
    nginx,
    /** Restarts every API in turn, each ready before the next; resolves with the seconds each took. */
    async roll({ onStep } = {}) {
      const seconds = [];
      for (const [i, api] of apiProcesses.entries()) {
        const started = Date.now();
        await api.stop({ restart: true });
        await waitUntilReady(`http://127.0.0.1:${apiPorts[i]}/health/ready`, () => api.alive);
        // nginx may still count it out after the refusals of its restart: wait until it is back.
        await sleep(NGINX_FAIL_TIMEOUT_S * 1000);
        seconds.push((Date.now() - started) / 1000);
        onStep?.(api.name, seconds.at(-1));
      }
      return seconds;
    },
    stop: stopAll,
  };
}

const STATE_FILE = path.join(ROOT, '.data/cluster/state.json');

async function startCommand(values) {
  const started = Date.now();
  const { resolveMongo, resolveRedis } = require('./services');
  const dataDir = path.join(ROOT, '.data');
  fs.mkdirSync(path.join(dataDir, 'cluster'), { recursive: true });
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  log('building…');
  const build = spawnSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  ensureNginx();
  const mongo = await resolveMongo({ dataDir });
  const redis = await resolveRedis({ dataDir });
  const env = {
    NODE_ENV: 'development',
    COOKIE_SECURE: 'false',
    MONGODB_DB_NAME: 'devlink',
    MAIL_OUTBOX_DIR: path.join(dataDir, 'outbox'),
    ...devSecrets(dataDir),
    ...nonEmpty(process.env),
    MONGODB_URI: mongo.uri,
    REDIS_URL: redis.url,
  };
  const migrate = spawnSync(process.execPath, ['dist/main.migrate.js'], { cwd: ROOT, env, stdio: 'inherit' });
  if (migrate.status !== 0) {
    log(`migrations failed (exit ${migrate.status})`);
    await Promise.all([mongo.stop(), redis.stop()]);
    process.exit(1);
  }
  let cluster;
  try {
    cluster = await startCluster({
      env,
      apis: Number(values.apis),
      workers: Number(values.workers),
      port: Number(values.port),
      runtimeDir: path.join(dataDir, 'cluster'),
    });
  } catch (error) {
    await Promise.all([mongo.stop(), redis.stop()]);
    throw error;
  }
  fs.writeFileSync(STATE_FILE, JSON.stringify({ pid: process.pid, url: cluster.url, rolling: false }));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await cluster.stop();
    await Promise.all([mongo.stop(), redis.stop()]);
    fs.rmSync(STATE_FILE, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  let rolling = false;
  process.on('SIGHUP', () => {
    if (rolling) return;
    rolling = true;
    fs.writeFileSync(STATE_FILE, JSON.stringify({ pid: process.pid, url: cluster.url, rolling: true }));
    log('rolling restart of the APIs…');
    const finished = (error) => {
      rolling = false;
      if (error) log(`rolling restart failed: ${error.message}`);
      else log('rolling restart complete');
      const state = { pid: process.pid, url: cluster.url, rolling: false, rolledAt: Date.now(), ok: !error, error: error?.message };
      fs.writeFileSync(STATE_FILE, JSON.stringify(state));
    };
    cluster
      .roll({ onStep: (name, seconds) => log(`${name} restarted and ready in ${seconds.toFixed(1)} s`) })
      .then(() => finished(), finished);
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`DevLink cluster ready in ${seconds}s: nginx → ${cluster.apis.length} APIs, ${cluster.workers.length} workers (database: ${mongo.kind}, redis: ${redis.kind})`);
  log(`  API:        ${cluster.url}`);
  log(`  Swagger UI: ${cluster.url}/docs`);
  log('  Rolling restart: npm run cluster:roll. Press Ctrl+C to stop.');
}

async function rollCommand() {
  if (!fs.existsSync(STATE_FILE)) throw new Error('no cluster is running (start one with npm run start:cluster)');
  const { pid } = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
  const requested = Date.now();
  process.kill(pid, 'SIGHUP');
  log(`asked the cluster (pid ${pid}) for a rolling restart; waiting…`);
  for (;;) {
    await sleep(500);
    try {
      process.kill(pid, 0);
    } catch {
      throw new Error(`the cluster (pid ${pid}) stopped during the rolling restart`);
    }
    const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
    if (state.rolling || !(state.rolledAt >= requested)) continue;
    if (!state.ok) throw new Error(`rolling restart failed: ${state.error}`);
    break;
  }
  log(`rolling restart complete in ${((Date.now() - requested) / 1000).toFixed(1)} s`);
}

module.exports = { startCluster, ensureNginx, renderSiteConfig, Supervised, waitUntilReady };

if (require.main === module) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      apis: { type: 'string', default: process.env.CLUSTER_APIS || '3' },
      workers: { type: 'string', default: process.env.CLUSTER_WORKERS || '2' },
      port: { type: 'string', default: process.env.CLUSTER_PORT || '8080' },
    },
  });
  const command = { start: startCommand, roll: rollCommand }[positionals[0]];
  if (!command) {
    console.error('usage: node scripts/cluster.js start [--apis 3] [--workers 2] [--port 8080] | roll');
    process.exit(2);
  }
  command(values).catch((error) => {
    log(error.stack || String(error));
    process.exit(1);
  });
}
