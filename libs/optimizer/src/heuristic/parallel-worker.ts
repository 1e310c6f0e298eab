import { parentPort, workerData } from 'node:worker_threads';

import { CompiledMatrixTravel } from './parallel-solve';
import { solveSync } from './solve';

import type { WorkerJob } from './parallel-solve';

const job = workerData as WorkerJob;
const travel = new CompiledMatrixTravel(job.locationSource, job.travelSeconds, job.travelMeters);
parentPort?.postMessage(solveSync(job.problem, { ...job.options, travel }, job.sharedBest));
