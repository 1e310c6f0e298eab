import { Worker } from 'node:worker_threads';

import type { Model as LpSolverModel, SolveResult } from 'javascript-lp-solver';

/**
 * Runs javascript-lp-solver on a worker thread that is terminated at a hard
 * wall-clock limit.
 *
 * Why a thread: javascript-lp-solver 1.0.3 checks its `timeout` only between
 * branch-and-bound nodes, and a single node's simplex can run for minutes (an
 * 18-binary routing model ran over 9 minutes). Code on the main thread cannot
 * be interrupted; a worker can (`terminate()` stops it mid-loop).
 *
 * The worker is evaluated from source so it needs no TypeScript loader (it
 * runs the same under jest, swc-node and compiled JavaScript) and loads the
 * solver by its resolved path.
 */

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = require(workerData.solverPath);
const solver = typeof loaded.Solve === 'function' ? loaded : loaded.default;
parentPort.once('message', (model) => parentPort.postMessage(solver.Solve(model)));
`;

export type ThreadOutcome =
  | { readonly kind: 'solved'; readonly result: SolveResult }
  | { readonly kind: 'killed'; readonly afterMs: number };

/** `hardLimitMs` undefined: no kill (the caller accepted an unbounded run). */
export function solveOnThread(
  model: LpSolverModel,
  hardLimitMs: number | undefined,
): Promise<ThreadOutcome> {
  const started = performance.now();
  return new Promise<ThreadOutcome>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { solverPath: require.resolve('javascript-lp-solver') },
    });
    let settled = false;
    const settle = (outcome: ThreadOutcome | Error): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      void worker.terminate();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer =
      hardLimitMs === undefined
        ? undefined
        : setTimeout(
            () => settle({ kind: 'killed', afterMs: performance.now() - started }),
            Math.max(1, hardLimitMs),
          );
    worker.once('message', (result: SolveResult) => settle({ kind: 'solved', result }));
    worker.once('error', (error) => settle(error));
    worker.once('exit', (code) => {
      settle(new Error(`javascript-lp-solver worker exited with code ${code} before answering`));
    });
    worker.postMessage(model);
  });
}
