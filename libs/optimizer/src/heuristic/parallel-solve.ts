import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { compareObjectives, compileProblem, createTravelTimeProvider } from '../model';

import { SharedBest } from './shared-best';
import { resolveLimits, solveSync, withObjectiveMode } from './solve';

import type { Problem, Solution, TravelTimeProvider } from '../model';
import type { SolveOptions } from './solve';

/** What a worker needs: plain data only (a TravelTimeProvider instance cannot cross threads, its matrices can). */
export interface WorkerJob {
  readonly problem: Problem;
  readonly options: Omit<SolveOptions, 'travel' | 'threads'>;
  readonly locationSource: Int32Array;
  readonly travelSeconds: Float64Array;
  readonly travelMeters: Float64Array | Float32Array;
  /** The threads' common best plan (`SharedBest`); absent when runs must stay independent. */
  readonly sharedBest?: SharedArrayBuffer;
}

/** Travel from compiled matrices, addressed by original location index. */
export class CompiledMatrixTravel implements TravelTimeProvider {
  private readonly compiledIndex = new Map<number, number>();
  constructor(
    locationSource: Int32Array,
    private readonly secondsMatrix: Float64Array,
    private readonly metersMatrix: Float64Array | Float32Array,
  ) {
    locationSource.forEach((source, i) => this.compiledIndex.set(source, i));
  }
  private index(from: number, to: number): number {
    const i = this.compiledIndex.get(from);
    const j = this.compiledIndex.get(to);
    if (i === undefined || j === undefined)
      throw new RangeError(`no travel data for ${from} → ${to}`);
    return i * this.compiledIndex.size + j;
  }
  seconds(from: number, to: number): number {
    return this.secondsMatrix[this.index(from, to)];
  }
  meters(from: number, to: number): number {
    return this.metersMatrix[this.index(from, to)];
  }
}

/**
 * Solves with `threads` runs (seeds seed, seed + 1, …) on worker threads and returns the best plan (ties → lowest
 * seed). Under a time limit the runs share their best plan every few iterations (`SharedBest`); with only an
 * iteration cap they stay independent, so the answer is reproducible. `threads` ≤ 1 runs in-process.
 */
export async function solve(problem: Problem, options: SolveOptions = {}): Promise<Solution> {
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  if (threads === 1) return solveSync(problem, options);
  const effective = withObjectiveMode(problem, options.objective);
  const compiled = compileProblem(effective, options.travel ?? createTravelTimeProvider(effective));
  const seed = options.seed ?? 1;
  const rest: WorkerJob['options'] = {
    timeLimitMs: options.timeLimitMs,
    maxIterations: options.maxIterations,
    objective: options.objective,
    warmStart: options.warmStart,
  };
  // Under a wall-clock limit the threads share their best plan. A run capped by iterations alone stays independent,
  // so its answer remains a pure function of the seed.
  const sharedBest = Number.isFinite(resolveLimits(options).timeLimitMs)
    ? SharedBest.allocate(compiled.vehicleCount, compiled.appointmentCount)
    : undefined;
  const runs = Array.from({ length: threads }, (_, i) =>
    runInWorker({
      problem: effective,
      options: { ...rest, seed: seed + i },
      locationSource: compiled.locationSource,
      travelSeconds: compiled.travelSeconds,
      travelMeters: compiled.travelMeters,
      sharedBest,
    }),
  );
  const solutions = await Promise.all(runs);
  let best = solutions[0];
  for (const s of solutions.slice(1))
    if (compareObjectives(s.objective, best.objective) < 0) best = s;
  return {
    ...best,
    statistics: {
      ...best.statistics,
      threads,
      iterations: solutions.reduce((n, s) => n + s.statistics.iterations, 0),
    },
  };
}

function runInWorker(job: WorkerJob): Promise<Solution> {
  const workerFile = join(__dirname, `parallel-worker${extname(__filename)}`);
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(workerFile, { workerData: job });
    worker.once('message', (solution: Solution) => {
      resolvePromise(solution);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`optimizer worker exited with code ${code}`));
    });
  });
}
