'use strict';
// Compares two `bench/http.js --json` outputs: per user count and route, b/a ratios of req/s
// (> 1 is faster) and of p50/p99 latency (< 1 is faster).
// Usage: node bench/compare.js before.json after.json
const fs = require('node:fs');

const [fileA, fileB] = process.argv.slice(2);
if (!fileA || !fileB) {
  console.error('usage: node bench/compare.js a.json b.json');
  process.exit(2);
}
// One object per user count; a lone object (one size) is accepted too.
const read = (file) => [JSON.parse(fs.readFileSync(file, 'utf8'))].flat();
const a = read(fileA);
const b = read(fileB);
const name = (runs, file) => runs[0]?.label || file;
const ratio = (x, y) => (x > 0 ? `${(y / x).toFixed(2)}x` : 'n/a');
const cell = (x, y, digits) => `${x.toFixed(digits)} -> ${y.toFixed(digits)} (${ratio(x, y)})`;

console.log(`a = ${name(a, fileA)}, b = ${name(b, fileB)}; ratios are b/a`);
for (const runA of a) {
  const runB = b.find((r) => r.users === runA.users);
  if (!runB) {
    console.log(`\n${runA.users} users: missing in ${fileB}`);
    continue;
  }
  console.log(`\n=== ${runA.users} users`);
  // Numbers from different engines or machines are not comparable; say so rather than refuse.
  for (const key of ['database', 'duration', 'connections']) {
    if (runA[key] !== runB[key]) console.log(`  ! ${key} differs: ${runA[key]} vs ${runB[key]}`);
  }
  if (JSON.stringify(runA.machine) !== JSON.stringify(runB.machine)) {
    console.log(`  ! machine differs: ${JSON.stringify(runA.machine)} vs ${JSON.stringify(runB.machine)}`);
  }
  console.log(`${'route'.padEnd(12)} ${'req/s'.padEnd(28)} ${'p50 ms'.padEnd(24)} p99 ms`);
  for (const ra of runA.results) {
    const rb = runB.results.find((r) => r.route === ra.route);
    if (!rb) {
      console.log(`${ra.route.padEnd(12)} missing in ${fileB}`);
      continue;
    }
    const flag = ra.non2xx || rb.non2xx ? `  ! non-2xx ${ra.non2xx} / ${rb.non2xx}` : '';
    console.log(`${ra.route.padEnd(12)} ${cell(ra.rps, rb.rps, 1).padEnd(28)} ${cell(ra.p50, rb.p50, 1).padEnd(24)} ${cell(ra.p99, rb.p99, 1)}${flag}`);
  }
}
