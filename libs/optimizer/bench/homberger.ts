/**
 * Gehring & Homberger VRPTW benchmark:
 * `npm run bench:homberger -- [--size 200] [--time-limit-ms 10000] [--max-iterations N] [--instances c1_2_1,r2_2_3]
 * [--seed 1] [--threads 1]`. With `--max-iterations` and no `--time-limit-ms` the run stops at N iterations only, so
 * variants compare deterministically on a shared, noisy machine.
 * Distance objective (vehicle count free), every plan verified by the independent checker. Prints per instance the
 * vehicles, distance and gap to the hierarchical best-known distance (fewest vehicles first, so a negative gap is
 * normal) and, where `bks_distance_dimacs.csv` exists, the plan's distance in the DIMACS convention (arcs truncated
 * to one decimal) and its gap to that distance-only best-known; then per-class means (C1, C2, R1, R2, RC1, RC2) and
 * the overall mean distance; writes bench/results/homberger-<size>.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { dimacsDistance, readSolomonFile } from '../src/benchmarks/solomon';

import { argument, mean, readBestKnown, solveChecked, selectedInstances } from './bench-common';

const CLASSES = ['C1', 'C2', 'R1', 'R2', 'RC1', 'RC2'] as const;

async function main(): Promise<void> {
  const size = Number(argument('size') ?? 200);
  const maxIterationsArgument = argument('max-iterations');
  const maxIterations =
    maxIterationsArgument === undefined ? undefined : Number(maxIterationsArgument);
  const timeLimitArgument = argument('time-limit-ms');
  // Iterations alone: no clock, so the plans depend on the seed only.
  const timeLimitMs =
    timeLimitArgument === undefined && maxIterations !== undefined
      ? undefined
      : Number(timeLimitArgument ?? 10_000);
  const seed = Number(argument('seed') ?? 1);
  const threads = Number(argument('threads') ?? 1);
  const dataDir = resolve(__dirname, `data/gehring-homberger-${size}`);
  if (!existsSync(dataDir)) throw new Error(`no vendored instances for size ${size} (${dataDir})`);
  const names = selectedInstances(dataDir);
  const bks = readBestKnown(join(dataDir, 'bks_hierarchical.csv'));
  const distanceOnlyFile = join(dataDir, 'bks_distance_dimacs.csv');
  const distanceOnly = existsSync(distanceOnlyFile)
    ? readBestKnown(distanceOnlyFile)
    : new Map<string, { distance: number }>();
  console.log(
    `Gehring & Homberger ${size}, distance objective, time limit ${timeLimitMs ?? 'none'} ms, max iterations ${maxIterations ?? 'none'}, seed ${seed}, threads ${threads}`,
  );
  const results: {
    name: string;
    vehicles: number;
    distance: number;
    gap: number;
    /** Distance in the DIMACS convention and its gap to the distance-only best-known (NaN without that table). */
    dimacs: number;
    dimacsGap: number;
    timeMs: number;
    iterations: number;
    routes: number[][];
  }[] = [];
  let invalid = 0;
  for (const name of names) {
    const run = await solveChecked(join(dataDir, `${name}.txt`), {
      timeLimitMs,
      maxIterations,
      seed,
      threads,
    });
    if (run.problems > 0) invalid++;
    const reference = bks.get(name.toLowerCase());
    const gap = reference ? (100 * (run.distance - reference.distance)) / reference.distance : NaN;
    const dimacs = dimacsDistance(readSolomonFile(join(dataDir, `${name}.txt`)), run.routes);
    const bestDimacs = distanceOnly.get(name.toLowerCase())?.distance;
    const dimacsGap = bestDimacs ? (100 * (dimacs - bestDimacs)) / bestDimacs : NaN;
    results.push({ name, vehicles: run.routes.length, gap, dimacs, dimacsGap, ...run });
    console.log(
      `${name.padEnd(8)} vehicles ${String(run.routes.length).padStart(3)} (bks ${String(reference?.vehicles ?? '?').padStart(3)})  distance ${run.distance.toFixed(2).padStart(9)}  bks ${String(reference?.distance ?? '?').padStart(9)}  gap ${gap.toFixed(2).padStart(6)} %  dimacs ${dimacs.toFixed(1).padStart(7)} (bks ${String(bestDimacs ?? '?').padStart(7)}, gap ${dimacsGap.toFixed(2).padStart(5)} %)  iterations ${String(run.iterations).padStart(7)}  time ${run.timeMs} ms`,
    );
  }
  console.log(
    `\n${'class'.padEnd(5)} ${'n'.padStart(3)} ${'vehicles'.padStart(8)} ${'distance'.padStart(10)} ${'gap %'.padStart(7)} ${'dimacs gap %'.padStart(12)}`,
  );
  for (const cls of CLASSES) {
    const rows = results.filter((r) => r.name.toUpperCase().startsWith(`${cls}_`));
    if (rows.length === 0) continue;
    console.log(
      `${cls.padEnd(5)} ${String(rows.length).padStart(3)} ${mean(rows.map((r) => r.vehicles))
        .toFixed(1)
        .padStart(8)} ${mean(rows.map((r) => r.distance))
        .toFixed(2)
        .padStart(10)} ${mean(rows.map((r) => r.gap))
        .toFixed(2)
        .padStart(7)} ${mean(rows.map((r) => r.dimacsGap))
        .toFixed(2)
        .padStart(12)}`,
    );
  }
  console.log(
    `\n${results.length} instances: mean distance ${mean(results.map((r) => r.distance)).toFixed(2)}, mean vehicles ${mean(results.map((r) => r.vehicles)).toFixed(2)}, mean gap ${mean(results.map((r) => r.gap)).toFixed(2)} %, mean gap to the distance-only best-known (DIMACS convention) ${mean(results.map((r) => r.dimacsGap)).toFixed(2)} % (${results.filter((r) => r.dimacsGap < 0).length} below it), mean time ${Math.round(mean(results.map((r) => r.timeMs)))} ms, invalid ${invalid}`,
  );
  const repoRoot = resolve(__dirname, '../../..');
  const resultsFile = join(repoRoot, `bench/results/homberger-${size}.json`);
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(
    resultsFile,
    JSON.stringify({ size, timeLimitMs, maxIterations, seed, threads, instances: results }) + '\n',
  );
  console.log(`wrote ${resultsFile}`);
  if (invalid > 0) process.exitCode = 1;
}

void main();
