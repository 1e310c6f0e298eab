/**
 * One thread against N threads at the same time limit, on Solomon (goal 5 of issue 13):
 *
 *   npm run build:optimizer && npm run bench:threads
 *   npm run bench:threads -- [--time-limit-ms 1800] [--threads 2] [--instances R201,RC202] [--seed 1] [--source]
 *
 * Solves every instance with 1 thread and with N threads, alternately (instance by instance, so a change of machine
 * load hits both sides alike), passes every plan through the independent checker, and prints per instance both gaps
 * to bks_distance.csv, both wall times and iterations, then both mean and median gaps, wins/losses and how far the
 * wall time of a solve went past the limit (mean and max, a figure — nothing is asserted). The load average is
 * printed at start and end: on a shared machine compare only within one run.
 *
 * By default the solver comes from the built `dist/` (plain JavaScript, as the CLI and a production service run it);
 * `--source` uses `src/` through the TypeScript loader, whose worker threads compile the optimizer when they start.
 * The worker threads are started once, before the first solve, and reused (the solver keeps them); the start-up time
 * is printed. A solve that has to start them counts that time inside its limit.
 * Writes bench/results/threads.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

import { checkSolution, createTravelTimeProvider } from '../src';
import { readSolomonFile, solomonToProblem } from '../src/benchmarks/solomon';

import { argument, mean, median, readBestKnown, selectedInstances } from './bench-common';

import type * as ParallelSolve from '../src/heuristic/parallel-solve';

const repoRoot = resolve(__dirname, '../../..');
const dataDir = resolve(__dirname, 'data/solomon');
const resultsFile = join(repoRoot, 'bench/results/threads.json');

interface Side {
  readonly gap: number;
  readonly distance: number;
  readonly wallMs: number;
  readonly iterations: number;
  readonly invalid: boolean;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

function loadSolver(fromSource: boolean): typeof ParallelSolve {
  const module = fromSource
    ? '../src/heuristic/parallel-solve'
    : '../dist/heuristic/parallel-solve';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(module) as typeof ParallelSolve;
  } catch (error) {
    throw new Error(
      `cannot load ${module} (run \`npm run build:optimizer\` first, or pass --source)`,
      {
        cause: error,
      },
    );
  }
}

async function main(): Promise<void> {
  const timeLimitMs = Number(argument('time-limit-ms') ?? 1800);
  const seed = Number(argument('seed') ?? 1);
  const threads = Number(argument('threads') ?? 2);
  const fromSource = process.argv.includes('--source');
  const names = selectedInstances(dataDir);
  const bks = readBestKnown(join(dataDir, 'bks_distance.csv'));
  const { solve, prepareSolverThreads, closeSolverThreads } = loadSolver(fromSource);
  console.log(
    `Solomon, 1 vs ${threads} threads, time limit ${timeLimitMs} ms, seed ${seed}, solver from ${fromSource ? 'src/ (TypeScript loader)' : 'dist/'}`,
  );
  console.log(`load average at start: ${load()}`);
  const startUp = performance.now();
  await prepareSolverThreads(threads);
  console.log(
    `${threads} worker threads started in ${Math.round(performance.now() - startUp)} ms (once per process)\n`,
  );

  const run = async (name: string, count: number): Promise<Side> => {
    const problem = solomonToProblem(readSolomonFile(join(dataDir, `${name}.txt`)));
    const started = performance.now();
    const solution = await solve(problem, { timeLimitMs, seed, threads: count });
    const wallMs = performance.now() - started;
    const violations = checkSolution(problem, solution, createTravelTimeProvider(problem));
    const invalid = violations.length > 0 || solution.unserved.length > 0;
    if (invalid) console.log(`${name} (${count} threads): INVALID`, violations.slice(0, 3));
    const distance = solution.objective.travelMeters;
    const reference = bks.get(name.toLowerCase())?.distance;
    const gap = reference ? (100 * (distance - reference)) / reference : NaN;
    return { gap, distance, wallMs, iterations: solution.statistics.iterations, invalid };
  };

  const rows: { name: string; one: Side; many: Side }[] = [];
  const header = `${'instance'.padEnd(8)} ${'gap 1 %'.padStart(8)} ${`gap ${threads} %`.padStart(8)}  ${'wall 1'.padStart(7)} ${`wall ${threads}`.padStart(7)}  ${'iter 1'.padStart(7)} ${`iter ${threads}`.padStart(7)}`;
  console.log(header);
  for (const [i, name] of names.entries()) {
    // Alternate which side goes first, so neither always runs right after the other's load.
    const [one, many] =
      i % 2 === 0
        ? [await run(name, 1), await run(name, threads)]
        : await run(name, threads).then(async (m) => [await run(name, 1), m]);
    rows.push({ name, one, many });
    console.log(
      `${name.padEnd(8)} ${one.gap.toFixed(2).padStart(8)} ${many.gap.toFixed(2).padStart(8)}  ${Math.round(one.wallMs).toString().padStart(7)} ${Math.round(many.wallMs).toString().padStart(7)}  ${String(one.iterations).padStart(7)} ${String(many.iterations).padStart(7)}`,
    );
  }
  await closeSolverThreads();

  const summary = (label: string, sides: Side[]): string => {
    const over = sides.map((s) => s.wallMs - timeLimitMs);
    return `${label.padEnd(10)} mean gap ${mean(sides.map((s) => s.gap)).toFixed(3)} %, median ${median(sides.map((s) => s.gap)).toFixed(3)} %, mean iterations ${Math.round(mean(sides.map((s) => s.iterations)))}, wall time past the limit: mean ${mean(over).toFixed(0)} ms, max ${Math.max(...over).toFixed(0)} ms, invalid ${sides.filter((s) => s.invalid).length}`;
  };
  const better = rows.filter((r) => r.many.distance < r.one.distance - 1e-6).length;
  const worse = rows.filter((r) => r.many.distance > r.one.distance + 1e-6).length;
  console.log(`\n${rows.length} instances`);
  console.log(
    summary(
      '1 thread',
      rows.map((r) => r.one),
    ),
  );
  console.log(
    summary(
      `${threads} threads`,
      rows.map((r) => r.many),
    ),
  );
  console.log(
    `${threads} threads shorter on ${better}, longer on ${worse}, equal on ${rows.length - better - worse}`,
  );
  console.log(`load average at end: ${load()}`);
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(
    resultsFile,
    JSON.stringify({ timeLimitMs, seed, threads, fromSource, instances: rows }) + '\n',
  );
  console.log(`wrote ${resultsFile}`);
  if (rows.some((r) => r.one.invalid || r.many.invalid)) process.exitCode = 1;
}

void main();
