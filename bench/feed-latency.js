'use strict';
// Feed and list latency at scale, plus the query plans behind them.
// Seeds USERS users (default 10,000) and their connections straight into the database, starts the
// compiled API (`npm run build` first) on the embedded database and Redis, then times N
// sequential requests per route and prints explain() summaries for the queries the routes run.
// Usage: node bench/feed-latency.js [USERS=10000] [N=200]
const { MongoClient } = require('mongodb');
const { startBenchApi, summary } = require('./harness');
const { seed, viewerCookie, DAY } = require('./seed');

const USERS = Number(process.argv[2] || 10000);
const N = Number(process.argv[3] || 200);

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
  // FerretDB v2 + DocumentDB answers with PostgreSQL's plan: `Node Type(Index Name)` per node.
  const walkPg = (node) => {
    if (!node) return;
    stages.push(node['Index Name'] ? `${node['Node Type']}(${node['Index Name']})` : node['Node Type']);
    (node.Plans || []).forEach(walkPg);
  };
  walkPg(planner.Plan);
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
    const { ids, connections, seconds } = await seed(client, db, USERS);
    console.log(`seeded ${USERS} users and ${connections} connections in ${seconds.toFixed(1)}s (database: ${mongo.kind})`);

    // --- latency ---
    const cookie = await viewerCookie(base);
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
    await time('GET /profile (reference)', () => '/profile');
    await time('GET /user/feed?page=1', () => '/user/feed?page=1&limit=10');
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
    const feedFilter = { emailVerified: true, onboardingComplete: true, _id: { $nin: [viewer, ...excluded] } };
    const plans = {
      "viewer's graph (feed exclusions and lists, cached in Redis)": conns
        .find({ $or: [{ fromUserId: viewer }, { toUserId: viewer }] })
        .limit(5001),
      'feed page': usersCol.find(feedFilter).sort({ _id: 1 }).hint({ _id: 1 }).limit(10),
      'feed page, skills filter': usersCol
        .find({ ...feedFilter, skillsKey: { $in: ['go', 'rust'] } })
        .sort({ _id: 1 })
        .hint({ _id: 1 })
        .limit(10),
      'feed count (cached 30 s)': usersCol.find(feedFilter),
      'users of a list (misses of the user cache)': usersCol.find({ _id: { $in: excluded.slice(0, 100) } }),
      'received requests (graph over 5000 edges only)': conns
        .find({ toUserId: viewer, status: 'interested' })
        .sort({ createdAt: -1, _id: -1 })
        .limit(100),
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
