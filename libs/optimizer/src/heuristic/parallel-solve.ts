import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { compareObjectives, compileProblem, createTravelTimeProvider } from '../model';
import { postAndAwaitReply } from '../worker-reply';

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
  /** The threads' elite pool (`SharedBest`); absent when runs must stay independent. */
  readonly sharedBest?: SharedArrayBuffer;
  /**
   * When the caller's clock started (`performance.timeOrigin + performance.now()` in the caller's thread): the
   * run's time limit counts from there, so the thread's start-up and compile are inside it. Absent: from the job.
   */
  readonly startedAtEpochMs?: number;
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
 * seed). Under a time limit the limit is the caller's wall clock — starting or waking the threads, compiling the
 * problem and the construction all count — and the runs share an elite pool of a few distinct good plans
 * (`SharedBest`): each publishes its new bests, and a run that stagnates continues from a member. With only an
 * iteration cap they stay independent, so the answer is reproducible. `threads` ≤ 1 runs in-process. The worker
 * threads are kept for the next solve (`closeSolverThreads` ends them); idle ones do not keep the process alive.
 */
export async function solve(problem: Problem, options: SolveOptions = {}): Promise<Solution> {
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  if (threads === 1) return solveSync(problem, options);
  const startedAt = performance.now();
  const effective = withObjectiveMode(problem, options.objective);
  const compiled = compileProblem(effective, options.travel ?? createTravelTimeProvider(effective));
  const seed = options.seed ?? 1;
  const rest: WorkerJob['options'] = {
    timeLimitMs: options.timeLimitMs,
    maxIterations: options.maxIterations,
    objective: options.objective,
    warmStart: options.warmStart,
  };
  // Under a wall-clock limit the threads share an elite pool. A run capped by iterations alone stays independent,
  // so its answer remains a pure function of the seed.
  const timed = Number.isFinite(resolveLimits(options).timeLimitMs);
  const sharedBest = timed
    ? SharedBest.allocate(compiled.vehicleCount, compiled.appointmentCount, compiled.taskCount)
    : undefined;
  const runs = Array.from({ length: threads }, (_, i) =>
    pool.run({
      problem: effective,
      options: { ...rest, seed: seed + i },
      locationSource: compiled.locationSource,
      travelSeconds: compiled.travelSeconds,
      travelMeters: compiled.travelMeters,
      sharedBest,
      startedAtEpochMs: timed ? performance.timeOrigin + startedAt : undefined,
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
      elapsedMs: performance.now() - startedAt,
    },
  };
}

/**
 * Starts (or keeps) `threads` solver threads now, so that the first `solve` with that many threads does not spend
 * its time limit on starting them. Optional: `solve` starts missing threads itself, within its limit.
 */
export function prepareSolverThreads(threads: number): Promise<void> {
  return pool.prepare(Math.max(0, Math.floor(threads)));
}

/** Ends the idle solver threads kept by `solve` (they never keep the process alive; this frees them early). */
export function closeSolverThreads(): Promise<void> {
  return pool.close();
}

type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'solved'; readonly solution: Solution }
  | { readonly kind: 'failed'; readonly name: string; readonly message: string };

/**
 * Worker threads kept across solves: a thread starts once (loading the optimizer and warming its JIT is paid by
 * the first solve only) and takes one job at a time. A thread that fails is dropped; the next job starts another.
 */
class SolverThreadPool {
  private readonly idle: Worker[] = [];
  private readonly starting = new Map<Worker, Promise<void>>();
  private readonly exited = new WeakSet<Worker>();

  async run(job: WorkerJob): Promise<Solution> {
    const worker = this.idle.pop() ?? this.start();
    worker.ref();
    let reply: WorkerReply;
    try {
      reply = await this.next(worker, job);
    } catch (error) {
      void worker.terminate();
      throw error;
    }
    // The thread survived (a failed job is the optimizer's own error, e.g. an invalid problem): keep it.
    this.release(worker);
    if (reply.kind === 'solved') return reply.solution;
    const error = new Error(reply.kind === 'failed' ? reply.message : 'unexpected reply');
    error.name = reply.kind === 'failed' ? reply.name : 'Error';
    throw error;
  }

  async prepare(threads: number): Promise<void> {
    while (this.idle.length < threads) this.idle.push(this.start());
    await Promise.all(this.idle.map((w) => this.starting.get(w) ?? Promise.resolve()));
  }

  async close(): Promise<void> {
    const workers = this.idle.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private start(): Worker {
    const workerFile = join(__dirname, `parallel-worker${extname(__filename)}`);
    const worker = new Worker(workerFile);
    worker.unref();
    this.starting.set(
      worker,
      new Promise<void>((resolveReady) => {
        worker.once('message', () => resolveReady());
        worker.once('error', () => resolveReady());
        worker.once('exit', () => resolveReady());
      }).then(() => void this.starting.delete(worker)),
    );
    worker.once('exit', () => {
      this.exited.add(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return worker;
  }

  /** Posts `job` (once the thread is ready) and waits for its answer. */
  private async next(worker: Worker, job: WorkerJob): Promise<WorkerReply> {
    await this.starting.get(worker);
    if (this.exited.has(worker)) throw new Error('optimizer worker exited while starting');
    return postAndAwaitReply<WorkerReply>(
      worker,
      job,
      'optimizer worker',
      (reply) => reply.kind !== 'ready',
    );
  }

  private release(worker: Worker): void {
    worker.unref();
    this.idle.push(worker);
  }
}

const pool = new SolverThreadPool();
