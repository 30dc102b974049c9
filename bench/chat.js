'use strict';
// Chat latency against conversation length. For each size (default 10, 1,000 and 10,000
// messages) it seeds (bench/seed.js, 52 users) a pair of connected users with a conversation of
// that length (plus 50 other conversations for the first user, so /chat/recent has a list),
// logs both in, opens one socket each as the SPA does, joins the chat, then times N sequential
// sends from `sendMessage` to the other user's `messageReceived`, and N sequential
// `GET /chat/:targetUserId` and `GET /chat/recent`. Sending must not grow with the length.
// Usage: node bench/chat.js [--sizes 10,1000,10000] [--n 200]   (`npm run build` first)
const { parseArgs } = require('node:util');
const { MongoClient } = require('mongodb');
const { startBenchApi, summary } = require('./harness');
const { seed, loginCookie } = require('./seed');
const { openSocket, ack, timeSends } = require('./sockets');

async function timeHttp(base, cookie, path, n) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    samples.push(performance.now() - t0);
  }
  return samples;
}

async function main() {
  const { values } = parseArgs({
    options: { sizes: { type: 'string', default: '10,1000,10000' }, n: { type: 'string', default: '200' } },
  });
  const sizes = values.sizes.split(',').map(Number);
  const n = Number(values.n);
  const { base, mongo, db: dbName, stop } = await startBenchApi({
    TRUST_PROXY_HOPS: '1', // logins spread over X-Forwarded-For addresses
    CHAT_SEND_LIMIT: '1000000', // the per-user send limit would otherwise pace the benchmark
    SOCKET_EVENTS_PER_SECOND: '1000000', // likewise the per-socket event rate
    SOCKET_EVENT_BURST: '1000000',
  });
  const client = await MongoClient.connect(mongo.uri);
  const sockets = [];
  try {
    console.log(`chat latency, ${n} sequential operations per measure, database ${mongo.kind}`);
    for (const [index, size] of sizes.entries()) {
      const seeded = await seed(client, dbName, 52, { prefix: `chat${index}_`, conversation: size, chats: 50 });
      const a = { _id: seeded.viewer };
      const b = { _id: seeded.partner };
      const cookieA = await loginCookie(base, seeded.emails(0), `10.9.${index}.1`);
      const cookieB = await loginCookie(base, seeded.emails(1), `10.9.${index}.2`);
      const alice = await openSocket(base, cookieA);
      const bob = await openSocket(base, cookieB);
      sockets.push(alice, bob);
      await ack(alice, 'joinChat', { targetUserId: String(b._id) });
      await ack(bob, 'joinChat', { targetUserId: String(a._id) });

      const sends = await timeSends(alice, bob, b._id, n, `bench-${index}`);
      const history = await timeHttp(base, cookieA, `/chat/${b._id}`, n);
      const recent = await timeHttp(base, cookieA, '/chat/recent', n);
      console.log(`\n${size} messages in the conversation (seeded in ${seeded.seconds.toFixed(1)}s):`);
      console.log(summary('send → messageReceived', sends));
      console.log(summary(`GET /chat/:targetUserId`, history));
      console.log(summary('GET /chat/recent (51 chats)', recent));
      alice.close();
      bob.close();
    }
  } finally {
    for (const socket of sockets) socket.close();
    await client.close();
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
