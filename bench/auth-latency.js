'use strict';
// Measures signup and login latency: N sequential requests each against the compiled API
// (`npm run build` first), real FerretDB/mongod and Redis, production settings, default bcrypt cost.
// Usage: node bench/auth-latency.js [N=200]
const crypto = require('node:crypto');
const { MongoClient } = require('mongodb');
const { startBenchApi, summary } = require('./harness');

const N = Number(process.argv[2] || 200);

async function timed(url, body) {
  const ip = `10.${crypto.randomInt(1, 255)}.${crypto.randomInt(1, 255)}.${crypto.randomInt(1, 255)}`;
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  return { ms, status: res.status };
}

async function main() {
  // Each request comes from its own X-Forwarded-For address (so the per-IP auth limits never
  // trip): the API must trust one proxy hop, which it does not by default.
  const { base, mongo, db: namespace, stop } = await startBenchApi({
    TRUST_PROXY_HOPS: '1',
    ...(process.env.BCRYPT_COST ? { BCRYPT_COST: process.env.BCRYPT_COST } : {}),
  });
  try {
    const password = 'Str0ng!pass';
    const emails = Array.from({ length: N }, (_, i) => `bench${i}@example.com`);
    const signup = [];
    for (const emailId of emails) {
      const { ms, status } = await timed(`${base}/auth/signup`, { firstName: 'Bench', lastName: 'User', emailId, password });
      if (status !== 201) throw new Error(`signup answered ${status}`);
      signup.push(ms);
    }
    const client = await MongoClient.connect(mongo.uri);
    await client.db(namespace).collection('users').updateMany({}, { $set: { emailVerified: true } });
    const login = [];
    for (const emailId of emails) {
      const { ms, status } = await timed(`${base}/auth/login`, { emailId, password });
      if (status !== 200) throw new Error(`login answered ${status}`);
      login.push(ms);
    }
    // Timing equalisation: unknown emails must cost what wrong passwords cost (one bcrypt each).
    const unknown = [];
    const wrong = [];
    for (let i = 0; i < Math.ceil(N / 4); i++) {
      unknown.push((await timed(`${base}/auth/login`, { emailId: `ghost${i}@example.com`, password })).ms);
      wrong.push((await timed(`${base}/auth/login`, { emailId: emails[i], password: 'Wr0ng!pass' })).ms);
    }
    await client.db(namespace).dropDatabase();
    await client.close();
    console.log(`auth latency, ${N} sequential requests each, database ${mongo.kind}, bcrypt cost ${process.env.BCRYPT_COST || 'default (11)'}`);
    console.log(summary('signup', signup, 7));
    console.log(summary('login', login, 7));
    console.log(summary('unknown', unknown, 7));
    console.log(summary('wrongpw', wrong, 7));
  } finally {
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
