// Preload (`NODE_OPTIONS=--require …`) that writes a V8 CPU profile when the process exits:
// Node refuses --cpu-prof in NODE_OPTIONS, and bench:pipeline starts services with `node -r`.
// CPU_PROFILE_FILE names the .cpuprofile to write. Sampling starts at SIGUSR2 (the bench
// sends it when posting begins, so start-up does not drown the steady state) or, without
// one, at start-up.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');

const file = process.env.CPU_PROFILE_FILE;
if (file) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('SIGUSR2', () => {
    // Drops what was sampled so far and starts again.
    session.post('Profiler.stop', () => session.post('Profiler.start'));
  });
  let written = false;
  // The in-process session answers synchronously, so this works inside an 'exit' listener.
  process.on('exit', () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
