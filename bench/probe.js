'use strict';
// Preloaded into an API process by the benchmarks (`node --require bench/probe.js dist/main.js`,
// see harness.js `startApi({ probe: true })`): measures the process's own event-loop delay with
// perf_hooks.monitorEventLoopDelay and answers over the IPC channel the harness opened.
//   { probe: 'reset', id } -> starts a new window
//   { probe: 'read', id }  -> { rss, heapUsed, loop: { p50, p99, max, mean, samples } } (MB, ms)
// Delays are what exceeds the 10 ms sampling timer (monitorEventLoopDelay records the whole
// interval, so an idle loop reads ~10 ms). Nothing here runs unless the harness asks.
const { monitorEventLoopDelay } = require('node:perf_hooks');

const RESOLUTION_MS = 10;

if (process.send) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const beyond = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  const read = () => {
    const memory = process.memoryUsage();
    return {
      rss: memory.rss / 1048576,
      heapUsed: memory.heapUsed / 1048576,
      loop: {
        p50: beyond(histogram.percentile(50)),
        p99: beyond(histogram.percentile(99)),
        max: beyond(histogram.max),
        mean: beyond(histogram.mean),
        samples: histogram.count,
      },
    };
  };
  process.on('message', (message) => {
    if (!message || typeof message.probe !== 'string') return;
    const value = message.probe === 'read' ? read() : (histogram.reset(), null);
    process.send({ probeAnswer: message.id, value });
  });
  // The channel must not keep the API alive past its own shutdown.
  process.channel?.unref();
}
