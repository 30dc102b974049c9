'use strict';
// docs/benchmarks.md and its charts (hand-written SVG) from one bench/run.js result.
// bench/run.js calls it at the end; to regenerate from a stored result:
//   node bench/report.js [bench/results/<timestamp>.json]   (default: the newest such file)
// BENCH_NOTE="…" adds a sentence about the conditions of the run (e.g. a busy machine).
const fs = require('node:fs');
const path = require('node:path');
const { median } = require('./harness');

const ROOT = path.resolve(__dirname, '..');
const DOC = 'docs/benchmarks.md';
const HTTP_SVG = 'docs/benchmarks-http-latency.svg';
const SOCKETS_SVG = 'docs/benchmarks-sockets.svg';
const P50 = '#1f77b4';
const P99 = '#d62728';
const EXTRA = '#2ca02c';

const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const size = (n) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
const f1 = (v) => (v >= 100 ? num(v) : num(v, 1));

/** A round upper bound for an axis: 1, 2, 2.5 or 5 × 10^k. */
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v);
}

/**
 * One panel: lines of `series` ({ label, color, dash, points: [x, y][] }) over x (log or linear).
 * Returns SVG elements placed at (left, top) with the given size.
 */
function panel({ left, top, width, height, title, xs, logX, series, yLabel, xLabel }) {
  const pad = { l: 52, r: 22, t: 22, b: 30 };
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const tx = (x) => {
    if (xMax === xMin) return w / 2;
    return logX ? ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * w : ((x - xMin) / (xMax - xMin)) * w;
  };
  const yMax = niceMax(Math.max(...series.flatMap((s) => s.points.map(([, y]) => y))) * 1.05);
  const ty = (y) => h - (y / yMax) * h;
  const out = [`<g transform="translate(${left},${top})">`, `<text x="${pad.l + w / 2}" y="14" text-anchor="middle" font-weight="bold">${esc(title)}</text>`];
  out.push(`<g transform="translate(${pad.l},${pad.t})">`);
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    out.push(`<line x1="0" x2="${w}" y1="${ty(y)}" y2="${ty(y)}" stroke="#ddd"/>`);
    out.push(`<text x="-4" y="${ty(y) + 4}" text-anchor="end" fill="#555">${esc(num(y, Number.isInteger(y) ? 0 : 1))}</text>`);
  }
  for (const x of xs) {
    out.push(`<line x1="${tx(x)}" x2="${tx(x)}" y1="${h}" y2="${h + 4}" stroke="#555"/>`);
    out.push(`<text x="${tx(x)}" y="${h + 15}" text-anchor="middle" fill="#555">${esc(size(x))}</text>`);
  }
  out.push(`<line x1="0" x2="${w}" y1="${h}" y2="${h}" stroke="#555"/><line x1="0" x2="0" y1="0" y2="${h}" stroke="#555"/>`);
  if (yLabel) out.push(`<text transform="translate(-42,${h / 2}) rotate(-90)" text-anchor="middle" fill="#555">${esc(yLabel)}</text>`);
  if (xLabel) out.push(`<text x="${w / 2}" y="${h + 27}" text-anchor="middle" fill="#555">${esc(xLabel)}</text>`);
  for (const s of series) {
    const points = s.points.map(([x, y]) => `${tx(x).toFixed(1)},${ty(y).toFixed(1)}`);
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ' stroke-dasharray="5,3"' : ''} points="${points.join(' ')}"/>`,
    );
    for (const [x, y] of s.points) {
      out.push(`<circle cx="${tx(x).toFixed(1)}" cy="${ty(y).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.label} at ${size(x)}: ${f1(y)}`)}</title></circle>`);
    }
  }
  out.push('</g></g>');
  return out.join('\n');
}

function svgDocument(width, height, title, legend, body) {
  const legendItems = legend
    .map(
      (item, i) =>
        `<g transform="translate(${16 + i * 170},36)"><line x1="0" x2="24" y1="0" y2="0" stroke="${item.color}" stroke-width="2"${item.dash ? ' stroke-dasharray="5,3"' : ''}/><text x="30" y="4">${esc(item.label)}</text></g>`,
    )
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="16" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    legendItems,
    body,
    '</svg>',
    '',
  ].join('\n');
}

/** p50/p99 latency against data size, one panel per HTTP route. */
function httpChart(result) {
  const routes = Object.keys(result.routes);
  const xs = result.http.map((h) => h.users);
  const cols = 3;
  const pw = 300;
  const ph = 190;
  const rows = Math.ceil(routes.length / cols);
  const panels = routes.map((route, i) => {
    // Sizes where the route answered nothing in the run have no point (not a zero).
    const points = (key) =>
      result.http.flatMap((h) => {
        const r = h.results.find((x) => x.route === route);
        return r && r.requests > 0 ? [[h.users, r[key]]] : [];
      });
    return panel({
      left: (i % cols) * pw,
      top: 50 + Math.floor(i / cols) * ph,
      width: pw,
      height: ph,
      title: result.routes[route],
      xs,
      logX: true,
      yLabel: 'ms',
      series: [
        { label: 'p50', color: P50, points: points('p50') },
        { label: 'p99', color: P99, dash: true, points: points('p99') },
      ],
    });
  });
  return svgDocument(
    cols * pw,
    60 + rows * ph,
    `HTTP latency (ms) against data size (users, log scale): ${result.settings.connections} connections, autocannon`,
    [
      { label: 'p50', color: P50 },
      { label: 'p99', color: P99, dash: true },
    ],
    panels.join('\n'),
  );
}

/** RSS and event-loop delay against open sockets. */
function socketsChart(result) {
  const steps = result.sockets.scale.steps;
  const xs = steps.map((s) => s.sockets);
  const pw = 420;
  const ph = 230;
  const body = [
    panel({
      left: 0,
      top: 50,
      width: pw,
      height: ph,
      title: 'API process RSS (MB)',
      xs,
      logX: false,
      yLabel: 'MB',
      xLabel: 'open authenticated sockets',
      series: [{ label: 'RSS', color: EXTRA, points: steps.map((s) => [s.sockets, s.rssMb]) }],
    }),
    panel({
      left: pw,
      top: 50,
      width: pw,
      height: ph,
      title: 'Event-loop delay and GET /health (ms)',
      xs,
      logX: false,
      yLabel: 'ms',
      xLabel: 'open authenticated sockets',
      series: [
        { label: 'loop p50', color: P50, points: steps.map((s) => [s.sockets, s.loopP50]) },
        { label: 'loop p99', color: P99, dash: true, points: steps.map((s) => [s.sockets, s.loopP99]) },
        { label: '/health p99', color: EXTRA, dash: true, points: steps.map((s) => [s.sockets, s.httpP99]) },
      ],
    }),
  ];
  return svgDocument(
    2 * pw,
    60 + ph,
    `One API instance with N idle authenticated sockets (${num(result.sockets.users)} users seeded)`,
    [
      { label: 'RSS', color: EXTRA },
      { label: 'event-loop delay p50', color: P50 },
      { label: 'event-loop delay p99', color: P99, dash: true },
      { label: 'GET /health p99', color: EXTRA, dash: true },
    ],
    body.join('\n'),
  );
}

/**
 * Target 1 rows: from the paired rounds when the run has them (median of per-round ratios, by
 * throughput and by server CPU per request), else from the main table's means.
 */
function fixedCostRows(h, row, ratio, rps, atLeastOne) {
  const labels = { health: '`GET /health`', 'not-found': 'unknown route (404)' };
  if (!h.fixedCost) {
    return Object.entries(labels).map(([route, label]) =>
      row(`${label} ÷ Express 5 \`/health\` (req/s)`, ratio(rps(route), rps('ceiling-express')), '≥ 1.0', atLeastOne),
    );
  }
  const { rounds } = h.fixedCost;
  return Object.entries(labels).flatMap(([route, label]) => {
    const paired = h.fixedCost.routes.find((r) => r.route === route);
    return [
      row(`${label} ÷ Express 5 \`/health\` (req/s, median of ${rounds} paired rounds)`, paired?.rpsRatio, '≥ 1.0', atLeastOne),
      row(`${label}: Express 5's server CPU per request ÷ ours (median of ${rounds} paired rounds)`, paired?.cpuRatio, '≥ 1.0', atLeastOne),
    ];
  });
}

/**
 * Targets 2 and 3's throughput ratio of two routes: the median over the paired rounds of each
 * round's ratio when the run has them (bench/http.js `pairedRounds`), else the table's means.
 */
function pairedRatio(h, rps) {
  const routes = h.ratios?.routes;
  if (!routes) {
    const fromMeans = (a, b) => (rps(a) != null && rps(b) ? rps(a) / rps(b) : null);
    return Object.assign(fromMeans, { label: 'req/s' });
  }
  // Each route's per-round ratios are to the baseline (/health): a ÷ b per round is their quotient.
  const perRound = (route) => routes.find((r) => r.route === route)?.rpsRatios;
  const between = (a, b) => {
    const x = perRound(a);
    const y = perRound(b);
    return x && y ? median(x.map((v, i) => v / y[i])) : null;
  };
  return Object.assign(between, { label: `req/s, median of ${h.ratios.rounds} paired rounds` });
}

/** Issue 15's targets, each a ratio of two figures from this run (ceilings included), per size. */
function targetsSection(result) {
  const out = [];
  const at = (h, route) => h.results.find((r) => r.route === route);
  const seq = (users, route) => result.roundTrips?.find((t) => t.users === users)?.rows.find((r) => r.route === route)?.sequentialP50;
  const ratio = (a, b) => (a != null && b ? a / b : null);
  const row = (what, value, target, ok) =>
    `| ${what} | ${value == null ? 'n/a' : value.toFixed(2)} | ${target} | ${value == null ? '' : ok(value) ? 'met' : '**not met**'} |`;
  const atLeast = (min) => (v) => v >= min;
  const atMost = (max) => (v) => v <= max;
  out.push('', '## Targets', '', 'Each figure is a ratio of two measurements of the same run (throughput under autocannon, or the');
  out.push('sequential p50 of the round-trip pass below), so it holds across machines that differ in speed.');
  const paired = result.http.find((h) => h.fixedCost)?.fixedCost;
  if (paired) {
    out.push(
      `Target 1 (fixed cost) has a pass of its own after the table above: the Express app, \`/health\` and the unknown route`,
      `loaded back to back in ${paired.rounds} rounds of ${paired.duration} s${paired.warmup ? ` (each after ${paired.warmup} s of warm-up)` : ''}, the order rotating each round; each figure is the median of the`,
      'per-round ratios to the Express app, by throughput and by server CPU per request (Express\'s ÷ ours: above 1 is cheaper).',
    );
  }
  const ratios = result.http.find((h) => h.ratios)?.ratios;
  if (ratios) {
    out.push(
      `Targets 2 and 3 are read the same way: \`/health\`, \`/profile\`, \`/skills\` and the three feed routes loaded back to back in`,
      `${ratios.rounds} rounds of ${ratios.duration} s, the order rotating each round; each figure is the median of the per-round ratios.`,
      'The table above shows those routes from the same loads.',
    );
  }
  out.push('');
  for (const h of result.http) {
    const rps = (route) => at(h, route)?.rps;
    out.push(`**${num(h.users)} users**`, '', '| ratio | value | target | |', '|---|---|---|---|');
    out.push(...fixedCostRows(h, row, ratio, rps, atLeast(1)));
    out.push(row('`GET /health` ÷ bare node:http', ratio(rps('health'), rps('ceiling-node')), '(context)', () => true));
    const between = pairedRatio(h, rps);
    for (const route of ['profile', 'skills']) {
      out.push(row(`\`${route}\` ÷ \`/health\` (${between.label})`, between(route, 'health'), '≥ 0.6', atLeast(0.6)));
    }
    for (const route of ['feed', 'feed-after', 'feed-skills']) {
      out.push(row(`\`${route}\` ÷ \`/profile\` (${between.label})`, between(route, 'profile'), '≥ 0.5', atLeast(0.5)));
      out.push(row(`\`${route}\` ÷ \`/profile\` (sequential p50)`, ratio(seq(h.users, route), seq(h.users, 'profile')), '≤ 2.0', atMost(2)));
    }
    if (at(h, 'chat-history-small')) {
      out.push(row('chat newest page, 10,000 ÷ 100 messages (p50)', ratio(at(h, 'chat-history').p50, at(h, 'chat-history-small').p50), '≤ 1.5', atMost(1.5)));
      out.push(row('chat newest page, 100 ÷ 10,000 messages (req/s)', ratio(rps('chat-history-small'), rps('chat-history')), '≤ 1.5', atMost(1.5)));
    }
    out.push('');
  }
  const big = result.http.find((h) => h.users === 100000);
  const base = result.http.find((h) => h.users === 10000);
  if (big && base) {
    out.push('**100,000 users against 10,000** (p99 under load)', '', '| route | p99 at 10k | p99 at 100k | ratio | target | |', '|---|---|---|---|---|---|');
    for (const route of ['feed', 'received', 'connections', 'chat-recent']) {
      const a = at(base, route)?.p99;
      const b = at(big, route)?.p99;
      const r = ratio(b, a);
      out.push(`| \`${route}\` | ${a ?? 'n/a'} ms | ${b ?? 'n/a'} ms | ${r == null ? 'n/a' : r.toFixed(2)} | ≤ 1.5 | ${r == null ? '' : r <= 1.5 ? 'met' : '**not met**'} |`);
    }
    out.push('');
  }
  return out;
}

/** Target 1's profile: where `/health`'s CPU goes against the Express app's (bench/cpu-profiles.js). */
function fixedCostProfileSection(result) {
  const c = result.fixedCostProfile;
  if (!c) return [];
  const us = (v) => (v === 0 ? '–' : v.toFixed(1));
  const diff = (r) => `${r.api - r.express >= 0 ? '+' : '−'}${Math.abs(r.api - r.express).toFixed(1)}`;
  const out = ['', '## Where `/health` goes against the Express app', ''];
  out.push(
    `\`${c.path}\` on an API instance started with the CPU profiler preloaded (\`bench/cpu-profile-preload.js\`), and the Express`,
    `app's \`/health\`, each profiled under the same load (${c.connections} connections) in ${c.rounds} alternating rounds of ${c.duration} s, at ${num(result.http[0].users)} users.`,
    `Main-thread CPU per request, sampled and not idle: API ${c.api.sampledUs} µs, Express app ${c.express.sampledUs} µs; the whole`,
    `process from \`/proc\`: ${c.api.cpuUs} and ${c.express.cpuUs} µs (Express ÷ API ${(c.express.cpuUs / c.api.cpuUs).toFixed(2)}, with the profiler running in both).`,
    '`node bench/profile-route.js --path /health --vs-express` repeats this on its own.',
    '',
    '| package | API µs | Express app µs | API − Express |',
    '|---|---|---|---|',
    ...c.packages.map((r) => `| ${esc(r.name)} | ${us(r.api)} | ${us(r.express)} | ${diff(r)} |`),
    '',
    `The ${c.functions.length} functions whose cost differs most between the two, µs per request:`,
    '',
    '| function | API | Express app | API − Express |',
    '|---|---|---|---|',
    ...c.functions.map((r) => `| \`${r.name.replace(/\s+/g, ' ')}\` | ${us(r.api)} | ${us(r.express)} | ${diff(r)} |`),
  );
  return out;
}

/** Database and Redis round trips and bytes per request (bench/probe.js inside the API). */
function roundTripsSection(result) {
  if (!result.roundTrips?.length) return [];
  const out = ['', '## Round trips per request', ''];
  out.push(
    `${result.roundTrips[0].requests} sequential requests per route after 3 discarded, counted inside the API by \`bench/probe.js\`: database`,
    'commands (monitoring `hello`s excluded) and Redis commands (a pipeline or an auto-pipelined batch is one',
    'round trip), bytes both ways, and the sequential p50 latency from outside.',
  );
  for (const t of result.roundTrips) {
    out.push('', `**${num(t.users)} users**`, '', '| route | sequential p50 | database trips | database B out / in | Redis trips | Redis B out / in | response B | commands |', '|---|---|---|---|---|---|---|---|');
    const commands = (c) => Object.entries(c).map(([k, v]) => `${k}×${+v.toFixed(2)}`).join(' ') || '–';
    for (const r of t.rows) {
      out.push(
        `| \`${r.route}\` | ${r.sequentialP50.toFixed(2)} ms | ${r.db.roundTrips.toFixed(2)} | ${num(r.db.bytesOut)} / ${num(r.db.bytesIn)} | ${r.redis.roundTrips.toFixed(2)} | ${num(r.redis.bytesOut)} / ${num(r.redis.bytesIn)} | ${num(r.responseBytes)} | db ${commands(r.db.commands)}; Redis ${commands(r.redis.commands)} |`,
      );
    }
  }
  return out;
}

function markdown(result, resultFile) {
  const m = result.machine;
  const s = result.settings;
  const sizes = result.http.map((h) => h.users);
  const lines = [];
  const push = (...l) => lines.push(...l);
  push(
    '# Benchmarks',
    '',
    `Generated by \`${result.command}\` (bench/run.js, then bench/report.js) on ${result.date.slice(0, 10)} at ${result.date.slice(11, 16)} UTC;`,
    `raw results in [\`${resultFile}\`](../${resultFile}). Profile **${result.profile}**: data sizes ${sizes.map((n) => num(n)).join(', ')} users,`,
    `${s.rounds > 1 ? `${s.rounds} alternating rounds of ${s.duration} s` : `${s.duration} s`} of load per route after a warm-up pass over every route (${s.warmup} s each)` +
      `${s.ratioRounds ? ` (\`/health\`, \`/profile\`, \`/skills\` and the feed: ${s.ratioRounds} paired rounds of ${s.ratioDuration} s instead)` : ''}, ${num(s.sockets)} sockets, ${s.sends} timed sends per measure.`,
    `The whole run took ${Math.round(result.seconds)} s (plus \`npm run build\`).`,
    '',
    '| machine | |',
    '|---|---|',
    `| CPU | ${m.nproc} × ${esc(m.cpuModel)} (\`nproc\` = ${m.nproc}) |`,
    `| RAM | ${m.ramGiB} GiB |`,
    `| Node | ${m.node} (${esc(m.platform)}) |`,
    `| database | ${esc(result.database.log)}${result.database.serverVersion ? ` (server ${esc(result.database.serverVersion)})` : ''} |`,
    `| Redis | ${esc(result.redis)} |`,
    `| load average at start | ${m.loadAverage.join(', ')} |`,
    '',
    'The load generator (autocannon, socket.io-client) runs on the same machine as the API, the',
    'database and Redis, so every figure includes their competition for the same cores.',
  );
  if (process.env.BENCH_NOTE) push('', `**Conditions:** ${process.env.BENCH_NOTE}`);
  if (result.failures.length > 0) {
    push('', '**This run had failures; its numbers are not comparable:**', '', ...result.failures.map((f) => `- ${f}`));
  }

  push('', '## Data set', '', 'Seeded by `bench/seed.js` straight into an empty database (unordered insertMany, 4 batches in flight, one bcrypt');
  push('hash shared by all users), then the API boots and builds its indexes once over the data, then DocumentDB\'s tables');
  push('are vacuumed and analysed (`VACUUM (ANALYZE)`: the planner knows their size, and autovacuum has nothing left to do mid-run):', '');
  push('| users | connections (all statuses) | messages | inserts | API boot with index builds | VACUUM ANALYZE | seeded in |', '|---|---|---|---|---|---|---|');
  const secs = (v) => (v == null ? 'n/a' : `${v.toFixed(1)} s`);
  for (const d of result.seeds) {
    push(`| ${num(d.users)} | ${num(d.connections)} | ${num(d.messages)} | ${secs(d.insertSeconds)} | ${secs(d.indexSeconds)} | ${secs(d.analyzeSeconds)} | ${d.seconds.toFixed(1)} s |`);
  }
  push(
    '',
    'Every user has ~5 interactions with random others; the viewer (`user0`, PRO monthly) has 300 more in every',
    'status and both directions, a 10,000-message conversation with `user1` (PRO), a 100-message one with `user2` and 49',
    'more chats of 5 messages.',
  );

  push('', '## HTTP', '', `autocannon, ${s.connections} connections, one route at a time, the viewer's session cookie (login: a new`);
  push('X-Forwarded-For address per request so the per-IP login limit never applies, and 5 connections: each login in flight');
  push('counts as a failure of the account until its password is checked). The first two rows are the ceilings,');
  push('run beside the API in their own processes (`bench/reference-servers.js`): a bare node:http server and a minimal');
  const withCpu = result.http.some((h) => h.results.some((r) => r.cpuUs));
  push(`Express 5 app (json body, cookie-parser, cors, pino-http: the stack of the system this API replaces). req/s, then p50 / p99 in ms`);
  push(`(of every response of the route's rounds together)${withCpu ? ',' : ':'}`);
  if (withCpu) {
    push('then the serving process\'s CPU time per request (user + system from `/proc`: the server\'s own cost, which the load');
    push('generator competing for the same two cores leaves alone):');
  }
  push('');
  push(`| route | ${sizes.map((n) => `${num(n)} users`).join(' | ')} |`, `|---|${sizes.map(() => '---|').join('')}`);
  for (const [route, label] of Object.entries(result.routes)) {
    const cells = result.http.map((h) => {
      const r = h.results.find((x) => x.route === route);
      if (!r) return 'n/a';
      if (r.requests === 0) return `no response in ${s.duration} s`;
      return `${num(r.rps)} req/s · ${r.p50} / ${r.p99} ms${r.cpuUs ? ` · ${num(r.cpuUs)} µs` : ''}`;
    });
    push(`| \`${label}\` | ${cells.join(' | ')} |`);
  }
  push('', `![p50 and p99 latency against data size per route](${path.basename(HTTP_SVG)})`);
  push(...targetsSection(result), ...fixedCostProfileSection(result), ...roundTripsSection(result));

  const sock = result.sockets;
  if (sock.scale) {
    push('', '## Sockets', '', `${num(s.sockets)} authenticated sockets on one API instance at ${num(sock.users)} users: sessions minted in bulk`);
    push(
      '(session documents and access JWTs signed like `TokenService`, the `accessToken` cookie on the handshake),',
      'websocket transport, 50 handshakes in flight; a socket counts once the server bound it (its `onlineList`).',
      'RSS and event-loop delay are read inside the API process by `bench/probe.js` (preloaded with `--require`:',
      '`perf_hooks.monitorEventLoopDelay`, 10 ms resolution, delay beyond the timer) over a',
      '3 s window at each step, while `GET /health` is requested sequentially from outside.',
      '',
    );
    // The API's own /metrics (prom-client) over the same windows, when the build serves it.
    const scraped = sock.scale.steps.some((r) => r.metrics?.loopP99 != null);
    const lag = (v) => (v == null ? 'n/a' : f1(Math.max(0, v - 10)));
    if (scraped) {
      push('The last column is the API\'s own `GET /metrics` (prom-client `nodejs_eventloop_lag_p50/p99_seconds`, reset by each', 'scrape, so the same window; minus its 10 ms sampling interval like the probe).');
    } else {
      push('This build serves no `/metrics` (or refused the token), so the probe is the only event-loop reading.');
    }
    push(
      '',
      `| open sockets | RSS | heap used | event-loop delay p50 / p99 / max | \`GET /health\` p50 / p99 |${scraped ? ' `/metrics` loop lag p50 / p99 |' : ''}`,
      `|---|---|---|---|---|${scraped ? '---|' : ''}`,
    );
    for (const r of sock.scale.steps) {
      const extra = scraped ? ` ${lag(r.metrics?.loopP50)} / ${lag(r.metrics?.loopP99)} ms |` : '';
      push(`| ${num(r.sockets)} | ${num(r.rssMb)} MB | ${num(r.heapMb)} MB | ${f1(r.loopP50)} / ${f1(r.loopP99)} / ${f1(r.loopMax)} ms | ${f1(r.httpP50)} / ${f1(r.httpP99)} ms |${extra}`);
    }
    const c = sock.scale.connectMs;
    push('', `Handshake to bound socket: p50 ${f1(c.p50)} ms, p99 ${f1(c.p99)} ms; ${sock.scale.failed} failed.`);
    const d = sock.scale.duringHandshakes;
    if (d) {
      push(
        '',
        `With all ${num(d.sockets)} open, ${d.handshakes} more handshakes at once (read while they were in flight, then closed): event-loop delay ` +
          `p50 / p99 / max ${f1(d.loopP50)} / ${f1(d.loopP99)} / ${f1(d.loopMax)} ms, RSS ${num(d.rssMb)} MB; those handshakes p50 ${f1(d.handshakeMs.p50)} ms, ` +
          `p99 ${f1(d.handshakeMs.p99)} ms; ${d.failed} failed.`,
      );
    }
    push('', `![RSS and event-loop delay against open sockets](${path.basename(SOCKETS_SVG)})`);
  }
  if (sock.send) {
    const { oneInstance: one, twoInstances: two } = sock.send;
    push('', '## Chat: send → receive', '');
    push(
      `${s.sends} sequential \`sendMessage\` (after 20 discarded) from the viewer, each timed from the emit to the partner's`,
      `\`messageReceived\`, in their ${num(sock.send.conversation)}-message conversation (both sockets joined the chat; no other sockets open):`,
      '',
      '| sender and receiver | p50 | p99 | max |',
      '|---|---|---|---|',
      `| on one instance | ${f1(one.p50)} ms | ${f1(one.p99)} ms | ${f1(one.max)} ms |`,
      `| across two instances (sender on A, receiver on B; Redis adapter) | ${f1(two.p50)} ms | ${f1(two.p99)} ms | ${f1(two.max)} ms |`,
    );
  }
  push(
    '',
    '## Running it',
    '',
    '```sh',
    'npm run bench                      # short profile: 1k and 10k users, 1,000 sockets (under 10 minutes on 2 cores)',
    'npm run bench -- --profile full    # 1k, 10k and 100k users, 10,000 sockets, 2 × 5 s per route (under 20 minutes)',
    'MONGODB_URI=mongodb://127.0.0.1:27017 npm run bench   # the same scripts against MongoDB',
    'node bench/report.js bench/results/<timestamp>.json   # regenerate this page from a stored run',
    '```',
    '',
    'Options of `bench/run.js`: `--sizes 1000,10000`, `--sockets N`, `--duration S`, `--no-doc`. Without `MONGODB_URI`',
    'the database is resolved as for the tests (`scripts/services.js`: mongod if installed, else FerretDB v2 +',
    'DocumentDB on a private PostgreSQL cluster); Redis is 127.0.0.1:6379 or a private `redis-server`. Each data',
    'size gets a fresh database and API process (production settings, `dist/`), so caches start cold and are warmed',
    'by the warm-up. Every route must answer 200; any other status, error or unbound socket marks the run as failed.',
    'The single-purpose scripts (`npm run bench:http`, `bench:feed`, `bench:chat`, `bench:auth`) use the same seed.',
    '',
    ...clusterSoakSection(),
  );
  return lines.join('\n');
}

/**
 * The newest `npm run bench:cluster` result (bench/results/cluster-*.json), if any: the deployed
 * topology under faults. It is its own run, so it is reported with its own command and date.
 */
function clusterSoakSection() {
  const dir = path.join(__dirname, 'results');
  const file = fs.readdirSync(dir).filter((f) => /^cluster-.*\.json$/.test(f)).sort().at(-1);
  if (!file) return [];
  const soak = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const m = soak.messages;
  const pct = (l) => (l ? `p50 ${l.p50} ms, p99 ${l.p99} ms` : 'n/a');
  const rows = [
    ['messages sent / stored / lost / stored twice / delivered twice', `${num(m.sent)} / ${num(m.stored)} / ${m.lost} / ${m.storedTwice} / ${m.deliveredTwice}`],
    ['stored, not pushed to the receiver (in the history)', `${num(m.notDelivered)} ${JSON.stringify(m.notDeliveredByEvent)}`],
    ...soak.events.map((e) => [e.name, `${e.seconds} s; presence right ${e.presence?.afterSeconds ?? '?'} s after`]),
    ['HTTP requests (statuses)', `${num(soak.http.requests)} ${JSON.stringify(soak.http.byStatus)}`],
    ['HTTP latency', pct(soak.latency.httpMs)],
    ['send → messageReceived', pct(soak.latency.sendToReceiveMs)],
    ...soak.instances.apis.map((a) => [a.name, `RSS max ${a.rssMb.max} MB, event-loop p99 mean ${a.loopP99Ms.mean} ms`]),
  ];
  return [
    '## Cluster soak: nginx, 3 APIs, 2 workers, under faults',
    '',
    `\`${soak.command}\` on ${soak.date.slice(0, 10)} ([\`bench/results/${file}\`](../bench/results/${file})): ` +
      `${num(soak.settings.sockets)} SPA-like sockets for ${soak.trafficSeconds} s, a rolling restart, a SIGKILLed API and ` +
      'worker, a Redis restart. What it means for running the API: [deployment.md](deployment.md).',
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ];
}

/** Writes the page and both charts; returns the paths written (relative to the repository). */
function writeReport(result, resultFile) {
  const written = [];
  const write = (rel, text) => {
    fs.writeFileSync(path.join(ROOT, rel), text);
    written.push(rel);
  };
  write(HTTP_SVG, httpChart(result));
  if (result.sockets.scale) write(SOCKETS_SVG, socketsChart(result));
  write(DOC, markdown(result, resultFile));
  return written;
}

module.exports = { writeReport };

if (require.main === module) {
  const dir = path.join(__dirname, 'results');
  const file =
    process.argv[2] ||
    path.join(
      dir,
      fs
        .readdirSync(dir)
        .filter((f) => /^\d{4}-\d\d-\d\dT.*\.json$/.test(f))
        .sort()
        .at(-1) ?? '',
    );
  const result = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const written of writeReport(result, path.relative(ROOT, path.resolve(file)))) console.log(`wrote ${written}`);
}
