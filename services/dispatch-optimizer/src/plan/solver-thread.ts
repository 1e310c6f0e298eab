import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';

import type { Problem, ReplanRequest, ReplanResult, Solution } from '@caredispatch/optimizer';

import type { ProblemWindow } from './booking-replan';
import type {
  PlainReplanOptions,
  PlainSolveOptions,
  SolverJob,
  SolverReply,
} from './solver-thread.protocol';

interface PendingJob {
  readonly worker: Worker;
  readonly resolve: (value: Solution | ReplanResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The optimizer runs on a thread of its own. A plan's search is seconds of synchronous CPU: on
 * the main thread it would stall HTTP (health probes included), Kafka heartbeats and the outbox
 * relay for that long. One long-lived thread takes the jobs in order (plans were serialized on the
 * main thread before, so throughput is unchanged); a thread that dies fails its pending jobs and
 * is replaced on the next job.
 */
@Injectable()
export class SolverThread implements OnModuleInit, OnModuleDestroy {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingJob>();

  onModuleInit(): void {
    // Started eagerly so loading the optimizer in the thread is not paid by the first plan.
    this.thread();
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  solve(problem: Problem, options: PlainSolveOptions): Promise<Solution> {
    return this.run({ kind: 'solve', problem, options }) as Promise<Solution>;
  }

  replan(request: ReplanRequest, options: PlainReplanOptions): Promise<ReplanResult> {
    return this.run({ kind: 'replan', request, options }) as Promise<ReplanResult>;
  }

  replanBookingChange(
    request: ReplanRequest,
    options: PlainReplanOptions,
    bookingDay: ProblemWindow | null,
  ): Promise<ReplanResult> {
    return this.run({
      kind: 'replan-booking-change',
      request,
      options,
      bookingDay,
    }) as Promise<ReplanResult>;
  }

  private run(job: SolverJob): Promise<Solution | ReplanResult> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      // Holds the process open only while a job is in flight.
      worker.ref();
      worker.postMessage({ id, job });
    });
  }

  private thread(): Worker {
    if (this.worker !== undefined) return this.worker;
    const extension = extname(__filename);
    // Under ts sources (tests, `node -r @swc-node/register`) the thread needs the same loader.
    const worker = new Worker(join(__dirname, `solver-thread.worker${extension}`), {
      execArgv: extension === '.ts' ? ['--require', '@swc-node/register'] : [],
    });
    worker.unref();
    worker.on('message', (reply: SolverReply) => this.settle(worker, reply));
    worker.on('error', (error) => this.failAll(worker, error));
    worker.on('exit', (code) =>
      this.failAll(worker, new Error(`the solver thread exited with code ${code}`)),
    );
    this.worker = worker;
    return worker;
  }

  private settle(worker: Worker, reply: SolverReply): void {
    const job = this.pending.get(reply.id);
    if (job === undefined) return;
    this.pending.delete(reply.id);
    if (![...this.pending.values()].some((pending) => pending.worker === worker)) worker.unref();
    if (reply.ok) {
      job.resolve(reply.value);
    } else {
      const error = new Error(reply.message);
      error.name = reply.name;
      job.reject(error);
    }
  }

  private failAll(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, job] of this.pending) {
      if (job.worker !== worker) continue;
      this.pending.delete(id);
      job.reject(error);
    }
  }
}
