'use strict';
// Preloaded into an API process by bench/profile-route.js (`--require`): SIGUSR2 starts a CPU
// profile, the next SIGUSR2 stops it and writes it to $CPU_PROFILE_OUT (.cpuprofile, readable by
// Chrome DevTools), so the profile covers the load window only, not the boot.
const fs = require('node:fs');
const inspector = require('node:inspector');

const out = process.env.CPU_PROFILE_OUT;
if (out) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')),
      );
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) console.error(`cpu-profile: ${error.message}`);
      else fs.writeFileSync(out, JSON.stringify(result.profile));
    });
  });
}
