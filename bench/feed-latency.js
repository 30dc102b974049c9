'use strict';
// Feed and list latency at scale, plus the query plans behind them.
// Seeds USERS users (default 10,000) and their connections straight into the database, starts the
// compiled API (`npm run build` first) on the embedded database and Redis, then times N
// sequential requests per route and prints explain() summaries for the queries the routes run.
// Usage: node bench/feed-latency.js [USERS=10000] [N=200]
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const bcrypt = require('bcrypt');
const { MongoClient, ObjectId } = require('mongodb');
const { ROOT } = require('../scripts/services');
const { startBenchApi, summary } = require('./harness');

const USERS = Number(process.argv[2] || 10000);
const N = Number(process.argv[3] || 200);
const SKILLS = JSON.parse(fs.readFileSync(path.join(ROOT, 'src/modules/skills/skills.json'), 'utf8'));
const DAY = 86_400_000;

/** A short, engine-neutral description of a plan (MongoDB stages or FerretDB pushdown info). */
function describePlan(explain) {
  const planner = explain.queryPlanner || {};
  const stages = [];
  const walk = (stage) => {
    if (!stage) return;
    stages.push(stage.indexName ? `${stage.stage}(${stage.indexName})` : stage.stage);
    walk(stage.inputStage);
    (stage.inputStages || []).forEach(walk);
  };
  walk(planner.winningPlan);
  const stats = explain.executionStats;
  const parts = [stages.filter(Boolean).join(' <- ') || JSON.stringify(planner).slice(0, 300)];
  if (stats) parts.push(`keysExamined=${stats.totalKeysExamined} docsExamined=${stats.totalDocsExamined} returned=${stats.nReturned}`);
  for (const key of ['pushdown', 'filterPushdown', 'sortPushdown', 'limitPushdown']) {
    if (key in explain) parts.push(`${key}=${explain[key]}`);
  }
  return parts.join(' | ');
}

async function main() {
  const { base, mongo, db, stop } = await startBenchApi();
  const client = await MongoClient.connect(mongo.uri);
  try {
    // --- seed (indexes were created by the API at boot) ---
    const started = Date.now();
    const password = await bcrypt.hash('Str0ng!pass', 10);
    const now = Date.now();
    const ids = Array.from({ length: USERS }, () => new ObjectId());
    const users = ids.map((_id, i) => {
      const skills = [SKILLS[i % SKILLS.length], SKILLS[(i * 7) % SKILLS.length]].filter((s, j, a) => a.indexOf(s) === j);
      return {
        _id,
        firstName: `User${i}`,
        lastName: 'Bench',
        emailId: `user${i}@bench.test`,
        password,
        about: 'This is the default about section.',
        skills,
        skillsKey: skills.map((s) => s.toLowerCase()),
        githubUsername: null,
        membershipType: 'FREE',
        billingCycle: null,
        membershipExpiry: null,
        onboardingComplete: i % 10 !== 9,
        emailVerified: i % 20 !== 19,
        createdAt: new Date(now - i * 1000),
        updatedAt: new Date(now - i * 1000),
        __v: 0,
      };
    });
    for (let i = 0; i < users.length; i += 1000) await client.db(db).collection('users').insertMany(users.slice(i, i + 1000));
    // Each user has interacted with ~5 others; the viewer (user0) with 300 (all statuses, both directions).
    const statuses = ['interested', 'ignored', 'accepted', 'rejected'];
    const seen = new Set();
    const connections = [];
    const link = (a, b, status, createdAt) => {
      const pairKey = [String(a), String(b)].sort().join('_');
      if (a.equals(b) || seen.has(pairKey)) return;
      seen.add(pairKey);
      connections.push({ pairKey, fromUserId: a, toUserId: b, status, createdAt, updatedAt: createdAt, __v: 0 });
    };
    for (let i = 1; i <= 300; i++) {
      const other = ids[(i * 31) % USERS];
      const [from, to] = i % 2 ? [ids[0], other] : [other, ids[0]];
      link(from, to, statuses[i % 4], new Date(now - (i % 60) * DAY));
    }
    for (let i = 0; i < USERS * 5; i++) {
      link(ids[crypto.randomInt(USERS)], ids[crypto.randomInt(USERS)], statuses[i % 4], new Date(now - crypto.randomInt(60) * DAY));
    }
    for (let i = 0; i < connections.length; i += 1000) {
      await client.db(db).collection('connectionmodels').insertMany(connections.slice(i, i + 1000));
    }
    console.log(`seeded ${USERS} users and ${connections.length} connections in ${((Date.now() - started) / 1000).toFixed(1)}s (database: ${mongo.kind})`);

    // --- latency ---
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ emailId: 'user0@bench.test', password: 'Str0ng!pass' }),
    });
    if (login.status !== 200) throw new Error(`login answered ${login.status}`);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const time = async (label, makePath) => {
      const samples = [];
      for (let i = 0; i < N; i++) {
        const t0 = performance.now();
        const res = await fetch(`${base}${makePath(i)}`, { headers: { cookie } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${label} answered ${res.status}`);
        samples.push(performance.now() - t0);
      }
      console.log(summary(label, samples));
    };
    await time('GET /user/feed (pages 1-20)', (i) => `/user/feed?page=${(i % 20) + 1}&limit=10`);
    await time('GET /user/feed?skills=Go,Rust', (i) => `/user/feed?page=${(i % 5) + 1}&limit=10&skills=Go,Rust`);
    await time('GET /user/requests/received', () => '/user/requests/received');
    await time('GET /user/connections', () => '/user/connections');

    // --- plans of the queries behind those routes ---
    const viewer = ids[0];
    const conns = client.db(db).collection('connectionmodels');
    const usersCol = client.db(db).collection('users');
    const ignoredSince = new Date(Date.now() - 30 * DAY);
    const hidden = { $nor: [{ status: 'ignored', createdAt: { $lt: ignoredSince } }] };
    const excluded = (await conns.find({ $or: [{ fromUserId: viewer }, { toUserId: viewer }], ...hidden }).toArray()).map((c) =>
      c.fromUserId.equals(viewer) ? c.toUserId : c.fromUserId,
    );
    const plans = {
      'feed exclusions': conns.find({ $or: [{ fromUserId: viewer }, { toUserId: viewer }] }),
      'feed page': usersCol
        .find({ emailVerified: true, onboardingComplete: true, _id: { $nin: [viewer, ...excluded] } })
        .sort({ _id: 1 })
        .limit(10),
      'feed page, skills filter': usersCol
        .find({ emailVerified: true, onboardingComplete: true, _id: { $nin: [viewer, ...excluded] }, skillsKey: { $in: ['go', 'rust'] } })
        .sort({ _id: 1 })
        .limit(10),
      'received requests': conns.find({ toUserId: viewer, status: 'interested' }).sort({ createdAt: -1, _id: -1 }).limit(100),
      'connections (sent side)': conns.find({ fromUserId: viewer, status: 'accepted' }).sort({ createdAt: -1 }).limit(100),
      'connections (received side)': conns.find({ toUserId: viewer, status: 'accepted' }).sort({ createdAt: -1 }).limit(100),
    };
    console.log(`\nexplain() at ${USERS} users (viewer excludes ${excluded.length} users):`);
    for (const [name, cursor] of Object.entries(plans)) {
      console.log(`- ${name}: ${describePlan(await cursor.explain('executionStats'))}`);
    }
    await client.db(db).dropDatabase();
  } finally {
    await client.close();
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
