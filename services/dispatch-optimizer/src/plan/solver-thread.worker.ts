import { parentPort } from 'node:worker_threads';

import { replan, type ReplanResult, type Solution, solve } from '@caredispatch/optimizer';

import { replanBookingChange } from './booking-replan';

import type { SolverJob, SolverJobMessage, SolverReply } from './solver-thread.protocol';

/** Runs in the solver thread: one job at a time, in the order they were posted. */
async function run(job: SolverJob): Promise<Solution | ReplanResult> {
  switch (job.kind) {
    case 'solve':
      return solve(job.problem, job.options);
    case 'replan':
      return replan(job.request, job.options);
    case 'replan-booking-change':
      return replanBookingChange(job.request, job.options, job.bookingDay);
  }
}

const port = parentPort;
if (port === null) throw new Error('solver-thread.worker must run as a worker thread');
let queue: Promise<void> = Promise.resolve();
port.on('message', ({ id, job }: SolverJobMessage) => {
  queue = queue.then(async () => {
    let reply: SolverReply;
    try {
      reply = { id, ok: true, value: await run(job) };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      reply = { id, ok: false, name: failure.name, message: failure.message };
    }
    port.postMessage(reply);
  });
});
