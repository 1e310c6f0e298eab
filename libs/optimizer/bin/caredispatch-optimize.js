#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI directly: @swc-node/register compiles on load, so no build step is needed.
require('@swc-node/register');
const { main } = require('../src/cli/main.ts');

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
