'use strict';
// What one deployment keeps in Redis, by key family, for the capacity figures of
// docs/deployment.md: after boot, after `--viewers` users each read a feed page and their profile
// (sessions, user cache, feed decks), with `--sockets` sockets connected (presence), and after
// they closed. Bytes are Redis' own `MEMORY USAGE` of every key under the run's key prefix, so
// other users of the same Redis do not count; the socket.io adapter keeps no keys (pub/sub only).
//
//   node bench/redis-memory.js [--users 10000] [--viewers 1000] [--sockets 10000]
//
// Writes bench/results/redis-memory-<date>.json.
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const Redis = require('ioredis');
const { MongoClient } = require('mongodb');
const { startServices, startApi, newNamespace, newSecrets } = require('./harness');
const { seed, mintSessions } = require('./seed');
const { openSocket } = require('./sockets');

const log = (message) => console.log(`[redis-memory ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A key's family: its segments with ids, numbers and tokens replaced by placeholders. */
function familyOf(key, prefix) {
  return key
    .slice(prefix.length + 1)
    .split(':')
    .map((part) => (/^[0-9a-f]{24}$/.test(part) ? '<id>' : /^\d+$/.test(part) ? '<n>' : part.length > 20 ? '<token>' : part))
    .join(':');
}

/** Keys and bytes per family under `prefix:`. */
async function usage(redis, prefix) {
  const families = {};
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    const sizes = await pipeline.exec();
    keys.forEach((key, i) => {
      const family = (families[familyOf(key, prefix)] ??= { keys: 0, bytes: 0 });
      family.keys += 1;
      family.bytes += Number(sizes[i][1] ?? 0);
    });
  } while (cursor !== '0');
  const total = Object.values(families).reduce((sum, f) => sum + f.bytes, 0);
  return { total, families };
}

/** Bytes per family that `after` has beyond `before`. */
function growth(before, after) {
  const rows = {};
  for (const [name, f] of Object.entries(after.families)) {
    const was = before.families[name] ?? { keys: 0, bytes: 0 };
    if (f.bytes !== was.bytes || f.keys !== was.keys) rows[name] = { keys: f.keys - was.keys, bytes: f.bytes - was.bytes };
  }
  return rows;
}

async function inBatches(items, size, fn) {
  const results = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '10000' },
      viewers: { type: 'string', default: '1000' },
      sockets: { type: 'string', default: '10000' },
    },
  });
  const users = Number(values.users);
  const viewers = Math.min(Number(values.viewers), users - 2);
  const socketCount = Number(values.sockets);
  const services = await startServices();
  const client = await MongoClient.connect(services.mongo.uri);
  const redis = new Redis(services.redis.url);
  const db = newNamespace();
  const secrets = newSecrets();
  let api;
  const open = [];
  try {
    log(`seeding ${users} users`);
    const seeded = await seed(client, db, users, { conversation: 100, smallConversation: 10 });
    // The presence heartbeat refreshes every socket's entry once per interval: a short one lets
    // the measurement see steady state sooner; the entries' size does not depend on it.
    api = await startApi(services, {
      db,
      secrets,
      bootSeconds: 600,
      env: { PRESENCE_HEARTBEAT_MS: '2000', SOCKET_ANON_HANDSHAKES_PER_IP_PER_MINUTE: '1000000', SOCKET_ANON_HANDSHAKES_PER_SECOND: '1000000' },
    });
    const booted = await usage(redis, db);
    log(`after boot: ${booted.total} bytes`);

    const viewerIds = seeded.ids.slice(2, 2 + viewers);
    const viewerCookies = await mintSessions(client, db, viewerIds, secrets.access);
    await inBatches(viewerCookies, 20, async (cookie) => {
      for (const route of ['/profile', '/user/feed?page=1&limit=10']) {
        const res = await fetch(`${api.base}${route}`, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`${route} answered ${res.status}`);
        await res.arrayBuffer();
      }
    });
    const browsed = await usage(redis, db);
    log(`after ${viewers} viewers read their profile and a feed page: ${browsed.total} bytes`);

    const crowd = Array.from({ length: socketCount }, (_, i) => seeded.ids[(2 + i) % users]);
    const socketCookies = await mintSessions(client, db, crowd, secrets.access);
    await inBatches(socketCookies, 50, async (cookie) => open.push(await openSocket(api.base, cookie, { websocket: true })));
    await sleep(5000); // two heartbeats: every socket's presence entry written
    const connected = await usage(redis, db);
    log(`with ${open.length} sockets: ${connected.total} bytes`);

    open.splice(0).forEach((socket) => socket.close());
    await sleep(5000);
    const closed = await usage(redis, db);
    log(`after they closed: ${closed.total} bytes`);

    const perViewer = (browsed.total - booted.total) / viewers;
    const perSocket = (connected.total - browsed.total) / socketCount;
    const result = {
      date: new Date().toISOString(),
      command: `node bench/redis-memory.js --users ${users} --viewers ${viewers} --sockets ${socketCount}`,
      redis: services.redis.kind,
      users,
      viewers,
      sockets: socketCount,
      bytes: { booted: booted.total, browsed: browsed.total, connected: connected.total, closed: closed.total },
      perViewerBytes: Math.round(perViewer),
      perSocketBytes: Math.round(perSocket),
      viewerFamilies: growth(booted, browsed),
      socketFamilies: growth(browsed, connected),
      afterClose: growth(browsed, closed),
    };
    log(`per active viewer ${result.perViewerBytes} B; per connected socket ${result.perSocketBytes} B`);
    for (const [name, f] of Object.entries(result.viewerFamilies)) log(`  viewers: ${name.padEnd(32)} ${f.keys} keys, ${f.bytes} B`);
    for (const [name, f] of Object.entries(result.socketFamilies)) log(`  sockets: ${name.padEnd(32)} ${f.keys} keys, ${f.bytes} B`);
    const file = path.join(__dirname, 'results', `redis-memory-${result.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`written to ${path.relative(process.cwd(), file)}`);
  } finally {
    open.forEach((socket) => socket.close());
    await api?.stop();
    await client.db(db).dropDatabase().catch(() => {});
    await client.close();
    redis.disconnect();
    await services.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
