import { inJobTransaction, KafkaJobs } from '../tenancy/transaction-scope';

import type { DataSource } from 'typeorm';

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * One kind of data that expires: each call removes (or scrubs) at most `batchSize` expired
 * rows and says how many. Small batches keep each transaction short, so retention never
 * holds locks the request path waits on.
 */
export interface RetentionTask {
  /** Names the task in log lines, e.g. "outbox". */
  readonly name: string;
  /** Advisory lock id: one replica works a task at a time. */
  readonly lockKey: number;
  runBatch(query: Query, batchSize: number): Promise<number>;
}

/**
 * Runs `task` batch by batch, each batch a transaction of `job` (`retention` by default) (row-level
 * security lets that job delete across tenants on the tables whose policies name it),  until a batch comes back short; returns the rows handled, or
 * `undefined` when another replica holds the task's lock (it is doing the work).
 */
export async function runRetentionTask(
  dataSource: DataSource,
  task: RetentionTask,
  batchSize: number,
  signal?: AbortSignal,
  job: string = KafkaJobs.Retention,
): Promise<number | undefined> {
  let total = 0;
  // Stopping ends the pass between batches; the rest is found on the next one.
  while (!signal?.aborted) {
    const handled = await inJobTransaction(dataSource, job, async (manager) => {
      const [lock] = await manager.query<[{ locked: boolean }]>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [task.lockKey],
      );
      if (!lock.locked) return undefined;
      return task.runBatch(manager.query.bind(manager), batchSize);
    });
    if (handled === undefined) return total === 0 ? undefined : total;
    total += handled;
    if (handled < batchSize) return total;
  }
  return total;
}

/** Affected row count of an UPDATE/DELETE through TypeORM's postgres `query` ([rows, count]). */
export function affectedRows(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}

/** Published outbox rows older than `maxAgeHours`: they hold full event payloads (PHI). */
export function publishedOutboxRetention(maxAgeHours: number): RetentionTask {
  return {
    name: 'outbox',
    lockKey: 0x0c0ff01,
    async runBatch(query, batchSize) {
      return affectedRows(
        await query(
          `DELETE FROM outbox_message WHERE id IN (
             SELECT id FROM outbox_message
              WHERE published_at IS NOT NULL AND published_at < now() - make_interval(hours => $1)
              ORDER BY published_at LIMIT $2)`,
          [maxAgeHours, batchSize],
        ),
      );
    },
  };
}

/**
 * Processed-event ids older than `maxAgeHours`. Keep it at least the topics' retention: a
 * redelivery of an event whose id is gone would be processed again.
 */
export function inboxRetention(maxAgeHours: number): RetentionTask {
  return {
    name: 'inbox',
    lockKey: 0x0c0ff02,
    async runBatch(query, batchSize) {
      return affectedRows(
        await query(
          `DELETE FROM inbox_event WHERE (consumer_group, event_id) IN (
             SELECT consumer_group, event_id FROM inbox_event
              WHERE processed_at < now() - make_interval(hours => $1)
              ORDER BY processed_at LIMIT $2)`,
          [maxAgeHours, batchSize],
        ),
      );
    },
  };
}
