'use strict';
// Starts (or finds) the real database and Redis once for the whole run. Every e2e file then
// uses its own database name and Redis key prefix, so files run in parallel without sharing data.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveMongo, resolveRedis } = require('../../scripts/services');

module.exports = async function globalSetup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devlink-test-'));
  const mongo = await resolveMongo({ dataDir });
  const redis = await resolveRedis({ dataDir });
  process.env.TEST_MONGODB_URI = mongo.uri;
  process.env.TEST_MONGODB_KIND = mongo.kind;
  process.env.TEST_REDIS_URL = redis.url;
  globalThis.__DEVLINK_SERVICES__ = { mongo, redis, dataDir };
};
