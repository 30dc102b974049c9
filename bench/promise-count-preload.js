'use strict';
// Preloaded into an API process (`BENCH_NODE_ARGS="--require $PWD/bench/promise-count-preload.js"`
// with bench/ab.js, say): every 2 s of load, the promises created per HTTP request (each pays the
// log context's async hooks, a microtask and its garbage) on stderr. With $PROMISE_SITES set, the
// 40 commonest creation sites too (three stack frames each; slow: for finding them, not timing).
const asyncHooks = require('node:async_hooks');
const diagnostics = require('node:diagnostics_channel');

const withSites = Boolean(process.env.PROMISE_SITES);
const sites = new Map();
let promises = 0;
let requests = 0;
let sampling = false;

function siteOf() {
  sampling = false; // the Error below creates no promise, but its stack walk must not recurse
  const frames = new Error().stack
    .split('\n')
    .slice(1)
    .filter((line) => !line.includes('node:internal/async_hooks') && !line.includes(__filename))
    .slice(0, 3)
    .map((line) => line.trim().replace(/^at /, ''));
  sampling = true;
  return frames.join(' < ').replace(new RegExp(`${process.cwd()}/(dist|node_modules)/`, 'g'), '');
}

asyncHooks
  .createHook({
    init(_id, type) {
      if (type !== 'PROMISE') return;
      promises++;
      if (withSites && sampling) {
        const site = siteOf();
        sites.set(site, (sites.get(site) ?? 0) + 1);
      }
    },
  })
  .enable();
diagnostics.subscribe('http.server.request.start', () => {
  requests++;
  sampling = withSites;
});

setInterval(() => {
  if (requests >= 100) {
    const lines = [`[promises] ${requests} requests: ${(promises / requests).toFixed(1)} promises per request`];
    for (const [site, n] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
      lines.push(`[promises] ${(n / requests).toFixed(2).padStart(6)}  ${site}`);
    }
    process.stderr.write(`${lines.join('\n')}\n`);
  }
  promises = 0;
  requests = 0;
  sites.clear();
}, 2000).unref();
