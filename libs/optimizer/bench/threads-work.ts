/**
 * Two threads at equal work per thread, independent of machine load (goal 5 of issue 13):
 *
 *   npm run bench:threads-work -- [--iterations 3000] [--seed 1] [--instances R201,RC202]
 *
 * Per Solomon instance: one run of N iterations (seed s), two runs of N iterations each on two worker threads
 * without sharing (seeds s, s+1, keep the better), and the same two runs sharing an elite pool (`SharedBest`, as
 * `solve` does under a time limit; here the runs are capped by iterations, so the figure does not depend on how much
 * CPU the threads got). Prints the gaps to bks_distance.csv, the broken-pairs distance between the two threads'
 * final plans (0 = the same plan), and the means. Every plan goes through the independent checker. Sharing makes the
 * result depend on thread timing, so repeat with a few seeds.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

import { checkSolution, compileProblem, createTravelTimeProvider, solveCompiled } from '../src';
import { readSolomonFile, solomonToProblem } from '../src/benchmarks/solomon';
import { SharedBest } from '../src/heuristic/shared-best';

import { argument, mean, readBestKnown, selectedInstances } from './bench-common';

const dataDir = resolve(__dirname, 'data/solomon');

interface Job {
  readonly name: string;
  readonly seed: number;
  readonly iterations: number;
  readonly pool?: SharedArrayBuffer;
}

interface Run {
  readonly distance: number;
  readonly routes: string[][];
  readonly invalid: boolean;
}

function solveJob({ name, seed, iterations, pool }: Job): Run {
  const problem = solomonToProblem(readSolomonFile(join(dataDir, `${name}.txt`)));
  const travel = createTravelTimeProvider(problem);
  const solution = solveCompiled(
    compileProblem(problem, travel),
    { maxIterations: iterations, seed },
    performance.now(),
    pool,
  );
  return {
    distance: solution.objective.travelMeters,
    routes: solution.itineraries
      .filter((i) => i.stops.length > 0)
      .map((i) => i.stops.map((s) => s.appointmentId)),
    invalid: checkSolution(problem, solution, travel).length > 0 || solution.unserved.length > 0,
  };
}

function onThread(job: Job): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const worker = new Worker(__filename, { workerData: job });
    worker.once('message', (run: Run) => {
      resolveRun(run);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** Share of adjacencies (predecessor and successor of each visit, depot included) that differ. */
function brokenPairs(a: readonly string[][], b: readonly string[][]): number {
  const adjacency = (routes: readonly string[][]): Map<string, [string, string]> => {
    const map = new Map<string, [string, string]>();
    for (const r of routes)
      r.forEach((x, i) => map.set(x, [i > 0 ? r[i - 1] : '-', i + 1 < r.length ? r[i + 1] : '-']));
    return map;
  };
  const first = adjacency(a);
  const second = adjacency(b);
  let differing = 0;
  for (const [visit, [pred, succ]] of first) {
    const other = second.get(visit);
    if (other === undefined) differing += 2;
    else differing += Number(other[0] !== pred) + Number(other[1] !== succ);
  }
  return differing / (2 * Math.max(1, first.size, second.size));
}

async function main(): Promise<void> {
  const iterations = Number(argument('iterations') ?? 3000);
  const seed = Number(argument('seed') ?? 1);
  const names = selectedInstances(dataDir);
  const bks = readBestKnown(join(dataDir, 'bks_distance.csv'));
  const gapOf = (name: string, distance: number): number => {
    const reference = bks.get(name.toLowerCase())?.distance ?? NaN;
    return (100 * (distance - reference)) / reference;
  };
  console.log(
    `Solomon, ${iterations} iterations per thread, seed ${seed}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
  console.log(
    'instance   one  independent  shared   distance between threads: independent  shared',
  );
  const rows: { one: number; independent: number; shared: number; di: number; ds: number }[] = [];
  let invalid = 0;
  for (const name of names) {
    const one = await onThread({ name, seed, iterations });
    const independent = await Promise.all([
      onThread({ name, seed, iterations }),
      onThread({ name, seed: seed + 1, iterations }),
    ]);
    const problem = solomonToProblem(readSolomonFile(join(dataDir, `${name}.txt`)));
    const compiled = compileProblem(problem, createTravelTimeProvider(problem));
    const pool = SharedBest.allocate(
      compiled.vehicleCount,
      compiled.appointmentCount,
      compiled.taskCount,
    );
    const shared = await Promise.all([
      onThread({ name, seed, iterations, pool }),
      onThread({ name, seed: seed + 1, iterations, pool }),
    ]);
    invalid += [one, ...independent, ...shared].filter((r) => r.invalid).length;
    const row = {
      one: gapOf(name, one.distance),
      independent: gapOf(name, Math.min(...independent.map((r) => r.distance))),
      shared: gapOf(name, Math.min(...shared.map((r) => r.distance))),
      di: brokenPairs(independent[0].routes, independent[1].routes),
      ds: brokenPairs(shared[0].routes, shared[1].routes),
    };
    rows.push(row);
    console.log(
      `${name.padEnd(8)} ${row.one.toFixed(2).padStart(5)} ${row.independent.toFixed(2).padStart(12)} ${row.shared.toFixed(2).padStart(7)} ${row.di.toFixed(2).padStart(40)} ${row.ds.toFixed(2).padStart(7)}`,
    );
  }
  console.log(
    `\nmean gap: one thread ${mean(rows.map((r) => r.one)).toFixed(3)} %, two independent ${mean(rows.map((r) => r.independent)).toFixed(3)} %, two sharing ${mean(rows.map((r) => r.shared)).toFixed(3)} %`,
  );
  console.log(
    `mean distance between the two threads' final plans: independent ${mean(rows.map((r) => r.di)).toFixed(3)}, sharing ${mean(rows.map((r) => r.ds)).toFixed(3)}; invalid plans ${invalid}`,
  );
  if (invalid > 0) process.exitCode = 1;
}

if (isMainThread) void main();
else parentPort?.postMessage(solveJob(workerData as Job));
