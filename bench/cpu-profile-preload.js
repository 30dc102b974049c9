'use strict';
// Preloaded into an API process by bench/profile-route.js (`--require`): SIGUSR2 starts a profile,
// the next SIGUSR2 stops it and writes it, so the profile covers the load window only, not the
// boot. $CPU_PROFILE_OUT: a CPU profile (.cpuprofile, readable by Chrome DevTools).
// $ALLOC_PROFILE_OUT: V8's sampling heap profile counting every sampled allocation, collected or
// not (.heapprofile): what a request allocates, which is what its garbage collection costs; with
// $ALLOC_SURVIVORS set, only objects that outlived a young collection.
const fs = require('node:fs');
const inspector = require('node:inspector');

const cpuOut = process.env.CPU_PROFILE_OUT;
const allocOut = process.env.ALLOC_PROFILE_OUT;
const out = cpuOut || allocOut;
if (out) {
  const session = new inspector.Session();
  session.connect();
  const write = (error, result) => {
    if (error) console.error(`profile: ${error.message}`);
    else fs.writeFileSync(out, JSON.stringify(result.profile));
  };
  let running = false;
  process.on('SIGUSR2', () => {
    running = !running;
    if (allocOut) {
      if (running) {
        session.post('HeapProfiler.startSampling', {
          samplingInterval: 1024,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: !process.env.ALLOC_SURVIVORS,
        });
      } else session.post('HeapProfiler.stopSampling', write);
      return;
    }
    if (running) {
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')),
      );
    } else session.post('Profiler.stop', write);
  });
}
