'use strict';
// Chat history against conversation length (issue 15, target 6), in one run on one API: the
// newest page of the viewer's 10,000-message conversation against the newest page of a
// 100-message one (bench/seed.js), plus an older page of the long one (`?before=` halfway) and
// /chat/recent. Routes alternate over --rounds (warm-up, then autocannon for --duration seconds,
// then --n sequential requests), so a machine that slows down mid-run affects every row alike.
// Before the load it prints the plan of the history query (the repository's shape) for both
// conversations: `explain('executionStats')` through the driver.
// Chats carry `messageCount` as the API keeps it; `--unknown-count` seeds them without (as chats
// from before it was kept), so every history page is read in windows of the default length.
// Usage: npm run build && node bench/chat-history.js [--users 1000] [--duration 5] [--rounds 2] [--n 100]
//   [--unknown-count]
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { MongoClient, ObjectId } = require('mongodb');
const { startBenchApi, stats } = require('./harness');
const { seed, viewerCookie } = require('./seed');

const PAGE = 50; // DEFAULT_HISTORY_LIMIT: the service asks for one more to know whether more exist

const positive = (name, text) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants a positive integer, got "${text}"`);
  return n;
};

const load = (url, path, cookie, { duration, connections }) =>
  autocannon({ url, connections, duration, requests: [{ method: 'GET', path, headers: { cookie } }] });

async function sequential(url, path, cookie, n) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    samples.push(performance.now() - t0);
  }
  return samples;
}

/**
 * A history query explained: bounded by `chatId` only (and `before`), or, with `windowSeconds`,
 * as MessagesRepository.newestFirst's first window back from `top` (hinted).
 */
async function explainHistory(messages, chatId, { before, top, windowSeconds } = {}) {
  if (windowSeconds) {
    // MessagesRepository's window: one range of `historyKey` (chat id then message id, in hex).
    const key = (id) => chatId.toHexString() + id.toHexString();
    const lower = ObjectId.createFromTime(top.getTimestamp().getTime() / 1000 + 1 - windowSeconds);
    const range = { $gte: key(lower), ...(before ? { $lt: key(before) } : { $lte: key(new ObjectId('f'.repeat(24))) }) };
    return messages.find({ historyKey: range }).sort({ historyKey: -1 }).hint({ historyKey: 1 }).limit(PAGE + 1).explain('executionStats');
  }
  const filter = before ? { chatId, _id: { $lt: before } } : { chatId };
  return messages.find(filter).sort({ _id: -1 }).limit(PAGE + 1).explain('executionStats');
}

/** PostgreSQL plan nodes (FerretDB v2 + DocumentDB) or MongoDB stages, outermost first. */
function planNodes(explain) {
  const out = [];
  const walk = (node) => {
    if (!node) return;
    if (node['Node Type']) {
      const rows = node['Actual Rows'] !== undefined ? ` rows=${node['Actual Rows']}` : '';
      out.push(`${node['Node Type']}${node['Index Name'] ? ` (${node['Index Name']})` : ''}${rows}`);
      for (const child of node.Plans ?? []) walk(child);
      return;
    }
    out.push(`${node.stage}${node.indexName ? ` (${node.indexName})` : ''}`);
    walk(node.inputStage);
    for (const child of node.inputStages ?? []) walk(child);
  };
  const planner = explain.queryPlanner ?? {};
  walk(explain.executionStats?.Plan ?? planner.Plan ?? planner.winningPlan);
  const keys = explain.executionStats?.totalKeysExamined;
  return `${out.join(' → ')}${keys !== undefined ? ` | keys examined ${keys}` : ''}`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' },
      n: { type: 'string', default: '100' },
      'unknown-count': { type: 'boolean', default: false },
    },
  });
  const opts = { duration: positive('duration', values.duration), connections: positive('connections', values.connections) };
  const rounds = positive('rounds', values.rounds);
  const n = positive('n', values.n);
  const api = await startBenchApi();
  const client = await MongoClient.connect(api.mongo.uri);
  try {
    const counts = !values['unknown-count'];
    const seeded = await seed(client, api.db, positive('users', values.users), { counts });
    const database = client.db(api.db);
    const chatOf = async (partner) =>
      (await database.collection('chats').findOne({ participants: { $all: [seeded.viewer, partner] } }))._id;
    const [longChat, smallChat] = [await chatOf(seeded.partner), await chatOf(seeded.smallPartner)];
    const middle = await database
      .collection('messages')
      .find({ chatId: longChat })
      .sort({ _id: -1 })
      .skip(Math.floor(seeded.conversation / 2))
      .limit(1)
      .next();
    const messages = database.collection('messages');
    console.log(
      `database ${api.mongo.kind}, ${values.users} users, conversations of ${seeded.conversation} and 100 messages` +
        (counts ? ' (messageCount kept)' : ' (messageCount unknown)'),
    );
    const newest = (await messages.find({ chatId: longChat }).sort({ _id: -1 }).limit(1).next())._id;
    // The first window: HISTORY_FIRST_WINDOW_SECONDS, or sized from the average density
    // (chat-rules.ts historyPlan; the seeded conversation holds one message a second).
    const windowSeconds = counts ? Math.max(30, 2 * (PAGE + 1)) : 30;
    const window = { windowSeconds };
    console.log('plans of find(filter).sort({_id:-1}).limit(51):');
    const plans = [
      ['{chatId}, 100 messages', smallChat, {}],
      [`{chatId}, ${seeded.conversation} messages`, longChat, {}],
      [`{chatId, _id<middle}, ${seeded.conversation}`, longChat, { before: middle._id }],
      [`first window (${windowSeconds} s), ${seeded.conversation}`, longChat, { ...window, top: newest }],
      [`first window below middle`, longChat, { ...window, before: middle._id, top: middle._id }],
    ];
    for (const [name, chatId, shape] of plans) {
      const explain = await explainHistory(messages, chatId, shape);
      console.log(`  ${name.padEnd(36)} ${planNodes(explain)}`);
      if (process.env.BENCH_EXPLAIN_JSON) console.log(JSON.stringify(explain.queryPlanner, null, 2));
    }

    const cookie = await viewerCookie(api.base);
    const rows = [
      { name: 'newest page, 100 messages', path: `/chat/${seeded.smallPartner}` },
      { name: `newest page, ${seeded.conversation} messages`, path: `/chat/${seeded.partner}` },
      { name: `older page (before= middle)`, path: `/chat/${seeded.partner}?before=${middle._id}` },
      { name: 'GET /chat/recent', path: '/chat/recent' },
    ].map((row) => ({ ...row, rps: [], p50: [], p99: [], seq: [], wrong: 0 }));
    for (let round = 0; round < rounds; round++) {
      for (const row of rows) {
        await load(api.base, row.path, cookie, { ...opts, duration: 1 });
        const result = await load(api.base, row.path, cookie, opts);
        row.rps.push(result.requests.average);
        row.p50.push(result.latency.p50);
        row.p99.push(result.latency.p99);
        const counts = Object.entries(result.statusCodeStats || {});
        row.wrong += counts.reduce((k, [code, { count }]) => (code === '200' ? k : k + count), 0) + result.errors;
        row.seq.push(...(await sequential(api.base, row.path, cookie, n)));
      }
    }
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const base = rows[0];
    console.log(
      `\n${opts.connections} connections, ${opts.duration} s per route, ${rounds} alternating rounds (mean), ` +
        `then ${n} sequential requests per round`,
    );
    const cells = ['route', 'req/s', 'p50', 'p99', 'seq p50', 'seq p99', '× rps', '× seq p50', '× seq p99'];
    console.log(cells.map((c, i) => (i ? c.padStart(10) : c.padEnd(32))).join(''));
    const baseSeq = stats(base.seq);
    for (const row of rows) {
      const seq = stats(row.seq);
      const line = [
        row.name.padEnd(32),
        mean(row.rps).toFixed(0),
        mean(row.p50).toFixed(1),
        mean(row.p99).toFixed(1),
        seq.p50.toFixed(2),
        seq.p99.toFixed(2),
        (mean(base.rps) / mean(row.rps)).toFixed(2),
        (seq.p50 / baseSeq.p50).toFixed(2),
        (seq.p99 / baseSeq.p99).toFixed(2),
      ];
      console.log(line.map((c, i) => (i ? c.padStart(10) : c)).join('') + (row.wrong ? `  !! ${row.wrong} unexpected answers` : ''));
      if (row.wrong) process.exitCode = 1;
    }
    console.log('(× columns: cost against the 100-message page; 1.00 = the same, target ≤ 1.5)');
    await database.dropDatabase();
  } finally {
    await client.close();
    await api.stop();
  }
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exit(1);
});
