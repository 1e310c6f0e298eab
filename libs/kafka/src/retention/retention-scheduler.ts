import { Logger, type LoggerService } from '@nestjs/common';

import { sleep } from '../backoff';
import { describeError } from '../headers';

import { type RetentionTask, runRetentionTask } from './retention-task';

import type { DataSource } from 'typeorm';

export interface RetentionSchedulerOptions {
  readonly dataSource: DataSource;
  readonly tasks: readonly RetentionTask[];
  readonly intervalMs: number;
  readonly batchSize: number;
  /** The cross-tenant job the batches run as (row-level security); `retention` by default. */
  readonly job?: string;
  readonly logger?: LoggerService;
}

/**
 * Runs retention tasks in-process, one after the other, every `intervalMs` (the first run
 * right after start). A failed run is logged and tried again on the next interval: expired
 * data waits a little longer, nothing else depends on it.
 */
export class RetentionScheduler {
  private readonly logger: LoggerService;
  private stopping: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: RetentionSchedulerOptions) {
    this.logger = options.logger ?? new Logger(RetentionScheduler.name);
  }

  start(): void {
    if (this.running || this.options.tasks.length === 0) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.running = this.loop(stopping.signal);
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.running;
    this.running = undefined;
  }

  /** One pass over every task; returns rows handled per task (undefined: another replica has it). */
  async runOnce(): Promise<Record<string, number | undefined>> {
    const handled: Record<string, number | undefined> = {};
    for (const task of this.options.tasks) {
      try {
        handled[task.name] = await runRetentionTask(
          this.options.dataSource,
          task,
          this.options.batchSize,
          this.stopping?.signal,
          this.options.job,
        );
        const count = handled[task.name];
        if (count) this.logger.log(`retention ${task.name}: ${count} rows expired`);
      } catch (error) {
        this.logger.error(
          `retention ${task.name} failed, retrying next interval: ${describeError(error)}`,
        );
      }
    }
    return handled;
  }

  private async loop(stopping: AbortSignal): Promise<void> {
    while (!stopping.aborted) {
      await this.runOnce();
      await sleep(this.options.intervalMs, stopping);
    }
  }
}
