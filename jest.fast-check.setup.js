// Property tests run with a fixed seed so CI is reproducible: a red run can be replayed
// exactly. Explore new cases locally with FAST_CHECK_SEED=<n> (or "random").
const fc = require('fast-check');

const configured = process.env.FAST_CHECK_SEED;
const seed =
  configured === 'random'
    ? Date.now() ^ (Math.random() * 0x100000000)
    : Number(configured ?? 20261127);
fc.configureGlobal({ seed });
