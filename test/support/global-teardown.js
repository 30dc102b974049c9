'use strict';
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const services = globalThis.__DEVLINK_SERVICES__;
  if (!services) return;
  await services.mongo.stop();
  await services.redis.stop();
  fs.rmSync(services.dataDir, { recursive: true, force: true });
};
