'use strict';
// Chat latency against conversation length. For each size (default 10, 1,000 and 10,000
// messages) it seeds a pair of connected users with a conversation of that length straight into
// the database (plus 50 other conversations for the first user, so /chat/recent has a list),
// logs both in, opens one socket each as the SPA does, joins the chat, then times N sequential
// sends from `sendMessage` to the other user's `messageReceived`, and N sequential
// `GET /chat/:targetUserId` and `GET /chat/recent`. Sending must not grow with the length.
// Usage: node bench/chat.js [--sizes 10,1000,10000] [--n 200]   (`npm run build` first)
const { parseArgs } = require('node:util');
const bcrypt = require('bcrypt');
const { MongoClient, ObjectId } = require('mongodb');
const { io } = require('socket.io-client');
const { startBenchApi, summary } = require('./harness');
const { PASSWORD } = require('./seed');

const pairKey = (a, b) => [String(a), String(b)].sort().join('_');

/** Two verified, onboarded, connected users and `length` messages between them. */
async function seedConversation(db, label, length, passwordHash) {
  const now = Date.now();
  const user = (name) => ({
    _id: new ObjectId(),
    firstName: name,
    lastName: 'Bench',
    emailId: `${name.toLowerCase()}@chat.bench`,
    password: passwordHash,
    skills: [],
    skillsKey: [],
    githubUsername: null,
    membershipType: 'FREE',
    billingCycle: null,
    membershipExpiry: null,
    onboardingComplete: true,
    emailVerified: true,
    createdAt: new Date(now),
    updatedAt: new Date(now),
    __v: 0,
  });
  const a = user(`Alice${label}`);
  const b = user(`Bob${label}`);
  const others = Array.from({ length: 50 }, (_, i) => user(`Other${label}x${i}`));
  await db.collection('users').insertMany([a, b, ...others]);
  const connection = (from, to) => ({
    pairKey: pairKey(from._id, to._id),
    fromUserId: from._id,
    toUserId: to._id,
    status: 'accepted',
    createdAt: new Date(now),
    updatedAt: new Date(now),
    __v: 0,
  });
  await db.collection('connectionmodels').insertMany([connection(a, b), ...others.map((o) => connection(a, o))]);

  const chat = async (x, y, count) => {
    const chatId = new ObjectId();
    const participants = [x._id, y._id].sort((p, q) => String(p).localeCompare(String(q)));
    const messages = Array.from({ length: count }, (_, i) => {
      const _id = new ObjectId(); // increasing: history is ordered by _id
      return {
        _id,
        chatId,
        senderId: i % 2 ? y._id : x._id,
        text: `message ${i} of ${count}`,
        clientMessageId: _id.toHexString(),
        createdAt: new Date(now - (count - i) * 1000),
      };
    });
    for (let i = 0; i < messages.length; i += 1000) await db.collection('messages').insertMany(messages.slice(i, i + 1000));
    const last = messages.at(-1);
    await db.collection('chats').insertOne({
      _id: chatId,
      pairKey: pairKey(x._id, y._id),
      participants,
      lastMessage: last ? { messageId: last._id, senderId: last.senderId, text: last.text, createdAt: last.createdAt } : null,
      lastMessageAt: last ? last.createdAt : null,
      unread: { [String(x._id)]: 0, [String(y._id)]: 0 },
      lastReadAt: { [String(x._id)]: null, [String(y._id)]: null },
      createdAt: new Date(now),
      updatedAt: new Date(now),
      __v: 0,
    });
  };
  await chat(a, b, length);
  for (const other of others) await chat(a, other, 5);
  return { a, b };
}

async function login(base, emailId, ip) {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ emailId, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${emailId} answered ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

function openSocket(base, cookie) {
  return new Promise((resolve, reject) => {
    const socket = io(base, { path: '/socket.io', withCredentials: true, extraHeaders: { cookie } });
    const timer = setTimeout(() => reject(new Error('socket did not connect')), 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
  });
}

const ack = (socket, event, payload) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${event}: no ack`)), 10_000);
    socket.emit(event, payload, (answer) => {
      clearTimeout(timer);
      if (answer && answer.ok) resolve(answer);
      else reject(new Error(`${event} refused: ${JSON.stringify(answer)}`));
    });
  });

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
  });
  const client = await MongoClient.connect(mongo.uri);
  const sockets = [];
  try {
    const db = client.db(dbName);
    const passwordHash = await bcrypt.hash(PASSWORD, 10);
    console.log(`chat latency, ${n} sequential operations per measure, database ${mongo.kind}`);
    for (const [index, size] of sizes.entries()) {
      const started = Date.now();
      const { a, b } = await seedConversation(db, String(index), size, passwordHash);
      const seeded = ((Date.now() - started) / 1000).toFixed(1);
      const cookieA = await login(base, a.emailId, `10.9.${index}.1`);
      const cookieB = await login(base, b.emailId, `10.9.${index}.2`);
      const alice = await openSocket(base, cookieA);
      const bob = await openSocket(base, cookieB);
      sockets.push(alice, bob);
      await ack(alice, 'joinChat', { targetUserId: String(b._id) });
      await ack(bob, 'joinChat', { targetUserId: String(a._id) });

      const waiting = new Map();
      bob.on('messageReceived', (message) => waiting.get(message.clientMessageId)?.());
      const sends = [];
      for (let i = 0; i < n; i++) {
        const clientMessageId = `bench-${index}-${i}`;
        const t0 = performance.now();
        const received = new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('messageReceived did not arrive')), 10_000);
          waiting.set(clientMessageId, () => {
            clearTimeout(timer);
            resolve();
          });
        });
        await ack(alice, 'sendMessage', { targetUserId: String(b._id), text: `hello ${i}`, clientMessageId });
        await received;
        sends.push(performance.now() - t0);
        waiting.delete(clientMessageId);
      }
      const history = await timeHttp(base, cookieA, `/chat/${b._id}`, n);
      const recent = await timeHttp(base, cookieA, '/chat/recent', n);
      console.log(`\n${size} messages in the conversation (seeded in ${seeded}s):`);
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
