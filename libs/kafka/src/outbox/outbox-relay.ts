import { Logger, type LoggerService } from '@nestjs/common';
import { type Kafka, type Message, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import { DataSource } from 'typeorm';

import { backoffDelayMs, sleep } from '../backoff';
import { describeError } from '../headers';

import { OUTBOX_NOTIFY_CHANNEL } from './outbox-writer';

import type { PoolClient } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export interface OutboxRelayOptions {
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  /** Rows published per round trip. */
  readonly batchSize?: number;
  /** Safety-net poll when no NOTIFY arrives (e.g. the listen connection dropped). */
  readonly pollIntervalMs?: number;
  /** LISTEN for the writer's NOTIFY to publish without waiting for the next poll. */
  readonly listen?: boolean;
  /** Upper bound for the flush on stop. */
  readonly stopTimeoutMs?: number;
  /** Advisory lock id: one relay per database publishes at a time, which keeps per-key order. */
  readonly lockKey?: number;
  readonly logger?: LoggerService;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
}

type BatchOutcome = { kind: 'published'; count: number } | { kind: 'idle' } | { kind: 'failed' };

const DEFAULT_LOCK_KEY = 0x0c0ffee;

/**
 * Publishes committed outbox rows to Kafka in `seq` order and marks them published.
 *
 * Delivery is at-least-once: if the process dies after Kafka acknowledged a batch but before
 * the mark commits, the same rows (same event ids) are sent again on the next start, and the
 * consumers' inbox drops the duplicates.
 */
export class OutboxRelay {
  private readonly producer: Producer;
  private readonly logger: LoggerService;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lockKey: number;
  private producerConnected = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeRequested = false;
  private wake: (() => void) | undefined;
  private listener: { client: PoolClient; release: () => void } | undefined;
  private consecutiveFailures = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    // Idempotent + one in-flight request: the broker dedupes producer retries and a retried
    // batch cannot overtake a later one, so per-partition (per-key) order holds.
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.producerConnected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.producerConnected = false));
    this.logger = options.logger ?? new Logger(OutboxRelay.name);
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.lockKey = options.lockKey ?? DEFAULT_LOCK_KEY;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.producer.connect();
    if (this.options.listen ?? true) await this.listen();
    this.running = true;
    // Rows left unpublished by a previous run are picked up by the first iteration.
    this.loop = this.run();
  }

  /** Stops polling, publishes what is already committed (bounded by stopTimeoutMs), disconnects. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.flush(this.options.stopTimeoutMs ?? 10_000);
    await this.unlisten();
    await this.producer.disconnect();
  }

  isReady(): boolean {
    return this.running && this.producerConnected && this.consecutiveFailures < 3;
  }

  /** Publishes until nothing committed is left or `timeoutMs` passes; returns the rows published. */
  async flush(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let total = 0;
    while (Date.now() < deadline) {
      const outcome = await this.publishBatch();
      if (outcome.kind !== 'published') break;
      total += outcome.count;
    }
    return total;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const outcome = await this.publishBatch();
      if (outcome.kind === 'published' && outcome.count === this.batchSize) continue;
      const delay =
        outcome.kind === 'failed'
          ? backoffDelayMs(this.consecutiveFailures, { baseDelayMs: 100, maxDelayMs: 5_000 })
          : this.pollIntervalMs;
      await this.idle(delay);
    }
  }

  private async publishBatch(): Promise<BatchOutcome> {
    try {
      const outcome = await this.options.dataSource.transaction((manager) =>
        this.publishLocked(manager.query.bind(manager)),
      );
      this.consecutiveFailures = outcome.kind === 'failed' ? this.consecutiveFailures + 1 : 0;
      return outcome;
    } catch (error) {
      this.consecutiveFailures += 1;
      this.logger.error(`outbox relay database round failed: ${describeError(error)}`);
      return { kind: 'failed' };
    }
  }

  private async publishLocked(
    query: (sql: string, params?: unknown[]) => Promise<unknown>,
  ): Promise<BatchOutcome> {
    const [lock] = (await query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
      this.lockKey,
    ])) as [{ locked: boolean }];
    // Another relay instance of this service holds the lock; it publishes, we stand by.
    if (!lock.locked) return { kind: 'idle' };

    // seq order = insertion order; see OutboxWriter.append for why that is per-key commit order.
    const rows = (await query(
      `SELECT id, topic, message_key, payload, headers FROM outbox_message
       WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
      [this.batchSize],
    )) as OutboxRow[];
    if (rows.length === 0) return { kind: 'idle' };
    const ids = rows.map((row) => row.id);

    try {
      await this.producer.sendBatch({ topicMessages: groupByTopic(rows) });
    } catch (error) {
      const reason = describeError(error);
      this.logger.error(`outbox relay could not publish ${rows.length} events: ${reason}`);
      await query(
        'UPDATE outbox_message SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::uuid[])',
        [ids, reason],
      );
      return { kind: 'failed' };
    }
    await query(
      'UPDATE outbox_message SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return { kind: 'published', count: rows.length };
  }

  private idle(ms: number): Promise<void> {
    if (this.wakeRequested || !this.running) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    const controller = new AbortController();
    this.wake = () => {
      controller.abort();
    };
    return sleep(ms, controller.signal).finally(() => {
      this.wake = undefined;
      this.wakeRequested = false;
    });
  }

  private onNotify = (): void => {
    this.wakeRequested = true;
    this.wake?.();
  };

  private async listen(): Promise<void> {
    try {
      const driver: unknown = this.options.dataSource.driver;
      if (!isPostgresDriver(driver)) throw new Error('the outbox relay needs the postgres driver');
      // A dedicated pooled connection: LISTEN is per session and must outlive any transaction.
      const connection: unknown = await driver.obtainMasterConnection();
      const [client, release] = connection as [PoolClient, () => void];
      client.on('notification', this.onNotify);
      client.on('error', (error) => {
        this.logger.warn(
          `outbox relay listen connection lost, polling only: ${describeError(error)}`,
        );
      });
      await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
      this.listener = { client, release };
    } catch (error) {
      this.logger.warn(`outbox relay cannot LISTEN, polling only: ${describeError(error)}`);
    }
  }

  private async unlisten(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    if (!listener) return;
    listener.client.off('notification', this.onNotify);
    try {
      await listener.client.query('UNLISTEN *');
    } catch {
      // The connection is going back to the pool or is already broken; nothing to undo.
    }
    listener.release();
  }
}

function groupByTopic(rows: readonly OutboxRow[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.message_key, value: row.payload, headers: row.headers });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function isPostgresDriver(
  driver: unknown,
): driver is Pick<PostgresDriver, 'obtainMasterConnection'> {
  return (
    typeof (driver as Partial<PostgresDriver> | undefined)?.obtainMasterConnection === 'function'
  );
}
