import { parentPort } from 'node:worker_threads';

import { compileProblem } from '../model';

import { CompiledMatrixTravel } from './parallel-solve';
import { solveCompiled, withObjectiveMode } from './solve';

import type { Solution } from '../model';
import type { WorkerJob } from './parallel-solve';

/** A solver thread of `solve`'s pool: takes one job at a time and answers each; announces itself once loaded. */
const port = parentPort;
if (port === null) throw new Error('parallel-worker must run as a worker thread');

port.on('message', (job: WorkerJob) => {
  try {
    port.postMessage({ kind: 'solved', solution: run(job) });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ kind: 'failed', name: failure.name, message: failure.message });
  }
});
port.postMessage({ kind: 'ready' });

function run(job: WorkerJob): Solution {
  // The caller's clock, on this thread's timeline (each thread has its own performance.timeOrigin).
  const startedAt =
    job.startedAtEpochMs === undefined
      ? performance.now()
      : job.startedAtEpochMs - performance.timeOrigin;
  const travel = new CompiledMatrixTravel(job.locationSource, job.travelSeconds, job.travelMeters);
  const compiled = compileProblem(withObjectiveMode(job.problem, job.options.objective), travel);
  return solveCompiled(compiled, job.options, startedAt, job.sharedBest);
}
