'use strict';
// Starts (or finds) the real database and Redis once for the whole run. Every e2e file then
// uses its own database name and Redis key prefix, so files run in parallel without sharing data.
// Spawned APIs and workers run the compiled dist/ (test/support/spawn.ts): it is rebuilt first
// when a source is newer, so a test never runs yesterday's build.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveMongo, resolveRedis } = require('../../scripts/services');

const ROOT = path.resolve(__dirname, '../..');
const BUILD_INPUTS = ['src', 'nest-cli.json', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newestChange(file) {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(file)
    .reduce((newest, name) => Math.max(newest, newestChange(path.join(file, name))), stat.mtimeMs);
}

function buildWhenStale() {
  const built = path.join(ROOT, 'dist/main.js');
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const changedAt = Math.max(...BUILD_INPUTS.map((input) => newestChange(path.join(ROOT, input))));
  if (changedAt <= builtAt) return;
  console.log('[services] dist/ is older than the sources: nest build');
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

module.exports = async function globalSetup() {
  buildWhenStale();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devlink-test-'));
  const mongo = await resolveMongo({ dataDir });
  const redis = await resolveRedis({ dataDir });
  process.env.TEST_MONGODB_URI = mongo.uri;
  process.env.TEST_MONGODB_KIND = mongo.kind;
  process.env.TEST_REDIS_URL = redis.url;
  globalThis.__DEVLINK_SERVICES__ = { mongo, redis, dataDir };
};
