/**
 * Solomon VRPTW benchmark: `npm run bench:solomon -- [--time-limit-ms 2000] [--instances C101,R101] [--seed 1] [--threads 1]`.
 * Solves each instance with distance as the objective, verifies every plan with the independent checker, writes
 * bench/results/solomon.json and prints per-instance distance, gap to bks_distance.csv and time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
  argument,
  mean,
  median,
  readBestKnown,
  solveChecked,
  selectedInstances,
} from './bench-common';

const repoRoot = resolve(__dirname, '../../..');
const dataDir = resolve(__dirname, 'data/solomon');
const resultsFile = join(repoRoot, 'bench/results/solomon.json');

async function main(): Promise<void> {
  const timeLimitMs = Number(argument('time-limit-ms') ?? 2000);
  const seed = Number(argument('seed') ?? 1);
  const threads = Number(argument('threads') ?? 1);
  const names = selectedInstances(dataDir);
  const bks = readBestKnown(join(dataDir, 'bks_distance.csv'));
  const results: {
    name: string;
    routes: number[][];
    distance: number;
    gap: number;
    timeMs: number;
  }[] = [];
  const gaps: number[] = [];
  const times: number[] = [];
  let invalid = 0;
  console.log(
    `Solomon VRPTW, distance objective, time limit ${timeLimitMs} ms, seed ${seed}, threads ${threads}`,
  );
  for (const name of names) {
    const run = await solveChecked(join(dataDir, `${name}.txt`), { timeLimitMs, seed, threads });
    if (run.problems > 0) invalid++;
    const { routes, timeMs } = run;
    const distance = Math.round(run.distance * 100) / 100;
    const reference = bks.get(name.toLowerCase())?.distance;
    const gap = reference ? (100 * (run.distance - reference)) / reference : NaN;
    gaps.push(gap);
    times.push(timeMs);
    results.push({ name, routes, distance, gap, timeMs });
    console.log(
      `${name.padEnd(6)} routes ${String(routes.length).padStart(2)}  distance ${distance.toFixed(2).padStart(8)}  bks ${String(reference ?? '?').padStart(8)}  gap ${gap.toFixed(2).padStart(6)} %  time ${timeMs} ms`,
    );
    for (const route of routes) console.log(`         ${route.join(' ')}`);
  }
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(resultsFile, JSON.stringify({ instances: results }) + '\n');
  console.log('\nclass  n  routes  mean gap %');
  for (const cls of ['C1', 'C2', 'R1', 'R2', 'RC1', 'RC2']) {
    const rows = results.filter((r) => r.name.toUpperCase().replace(/\d\d$/, '') === cls);
    if (rows.length > 0)
      console.log(
        `${cls.padEnd(5)} ${String(rows.length).padStart(2)} ${mean(
          rows.map((r) => r.routes.length),
        )
          .toFixed(1)
          .padStart(7)} ${mean(rows.map((r) => r.gap))
          .toFixed(2)
          .padStart(11)}`,
      );
  }
  console.log(
    `\n${names.length} instances: mean gap ${mean(gaps).toFixed(2)} %, median ${median(gaps).toFixed(2)} %, max ${Math.max(...gaps).toFixed(2)} %, mean time ${Math.round(mean(times))} ms, invalid ${invalid}`,
  );
  console.log(`wrote ${resultsFile}`);
  if (invalid > 0) process.exitCode = 1;
}

void main();
