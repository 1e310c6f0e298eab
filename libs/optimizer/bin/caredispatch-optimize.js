#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (`npm run build:optimizer` writes dist/): plain JavaScript, so it starts fast, needs no
// devDependency at run time, and the solver's worker threads (`--threads`) load .js files Node can run.
let main;
try {
  ({ main } = require('../dist/cli/main.js'));
} catch (error) {
  if (
    error &&
    error.code === 'MODULE_NOT_FOUND' &&
    String(error.message).includes('dist/cli/main.js')
  ) {
    process.stderr.write(
      'caredispatch-optimize: not built yet; run `npm run build:optimizer` first\n',
    );
    process.exit(1);
  }
  throw error;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(
      `caredispatch-optimize: ${error instanceof Error ? error.stack || error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
