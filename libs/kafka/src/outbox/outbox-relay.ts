import { Logger, type LoggerService } from '@nestjs/common';
import { type Kafka, type Message, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import { DataSource } from 'typeorm';

import { backoffDelayMs, sleep } from '../backoff';
import { describeError } from '../headers';
import { inJobTransaction, KafkaJobs } from '../tenancy/transaction-scope';

import { holdListenSession } from './listen-session';
import { type OutboxPayloadCipher } from './outbox-payload-cipher';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox-writer';
import {
  classifyPublishFailure,
  describePublishError,
  type PublishFailure,
} from './publish-failure';

import type { OutboxRelayStatus } from './outbox-relay-status';

export type { OutboxRelayStatus } from './outbox-relay-status';

export interface OutboxRelayOptions {
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  /** Rows published per round trip. */
  readonly batchSize?: number;
  /** Safety-net poll when no NOTIFY arrives (e.g. while the listen connection is re-opened). */
  readonly pollIntervalMs?: number;
  /** LISTEN for the writer's NOTIFY to publish without waiting for the next poll. */
  readonly listen?: boolean;
  /** Upper bound for the flush on stop. */
  readonly stopTimeoutMs?: number;
  /** Advisory lock id: one relay per database publishes at a time, which keeps per-key order. */
  readonly lockKey?: number;
  /**
   * Failures a row may have for a reason retrying cannot fix (too large, topic denied…)
   * before it is parked. Transient failures (broker down, timeouts) never count.
   */
  readonly maxRowFailures?: number;
  /**
   * Hard deadline for one publish round. The round holds its transaction (and so its row
   * lock) while Kafka answers, so keep it well under the database's
   * idle_in_transaction_session_timeout.
   */
  readonly sendTimeoutMs?: number;
  /** Delay between failed rounds. */
  readonly failureBackoff?: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly logger?: LoggerService;
  /** Opens payloads the writer sealed; the same cipher the service's OutboxWriter uses. */
  readonly payloadCipher?: OutboxPayloadCipher;
}

/** What /health/ready and operators see of the relay. */
interface OutboxRow {
  id: string;
  event_id: string;
  tenant_id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
}

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

type BatchOutcome =
  | { kind: 'published'; count: number }
  | { kind: 'idle' }
  /** Only rows failed (each counted towards parking); other keys may still have flowed. */
  | { kind: 'rows-failed'; count: number }
  | { kind: 'failed'; reason: string };

const DEFAULT_LOCK_KEY = 0x0c0ffee;
/** Rounds in a row that may fail before the relay reports not-ready. */
const FAILURES_BEFORE_NOT_READY = 3;
const PARKED_REFRESH_MS = 10_000;
/** Attempts of one batch within a round, paused 300 ms, 600 ms, 1.2 s, 2.4 s apart. */
const SEND_ATTEMPTS = 5;
const SEND_RETRY_BASE_MS = 300;
const SEND_RETRY_MAX_MS = 3_000;

class SendTimeoutError extends Error {
  override readonly name = 'OutboxSendTimeoutError';
}

/**
 * Publishes committed outbox rows to Kafka in `seq` order and marks them published.
 *
 * Delivery is at-least-once: if the process dies after Kafka acknowledged a batch but before
 * the mark commits, the same rows (same event ids) are sent again on the next start, and the
 * consumers' inbox drops the duplicates.
 *
 * A row the broker refuses for a reason of its own (see publish-failure.ts) is retried
 * `maxRowFailures` times and then parked: it and the later rows of the SAME topic and key
 * wait (an appointment's events must not overtake each other — a "cancelled" published before
 * a parked "booked" would be applied and then overwritten on un-park), while every other key
 * flows. Transient failures park nothing: the batch waits and is retried with backoff.
 */
export class OutboxRelay {
  private producer: Producer | undefined;
  private readonly logger: LoggerService;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lockKey: number;
  private readonly maxRowFailures: number;
  private readonly sendTimeoutMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private listening: Promise<void> | undefined;
  private stopping: AbortController | undefined;
  private wakeRequested = false;
  private wake: (() => void) | undefined;
  private listenerUp = false;
  private consecutiveFailures = 0;
  private lastFailure: string | undefined;
  private parked = 0;
  private parkedRefreshedAt = 0;
  /** Disconnects of dropped producers still waiting for an abandoned send to settle. */
  private readonly lateDisconnects = new Set<Promise<void>>();

  constructor(private readonly options: OutboxRelayOptions) {
    this.logger = options.logger ?? new Logger(OutboxRelay.name);
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.lockKey = options.lockKey ?? DEFAULT_LOCK_KEY;
    this.maxRowFailures = options.maxRowFailures ?? 5;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 15_000;
    if (!Number.isInteger(this.maxRowFailures) || this.maxRowFailures < 1) {
      throw new RangeError('maxRowFailures must be an integer >= 1');
    }
  }

  /** Starts publishing; a broker that is down at start-up is waited for, not fatal. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const stopping = new AbortController();
    this.stopping = stopping;
    if (this.options.listen ?? true) {
      this.listening = holdListenSession(
        {
          dataSource: this.options.dataSource,
          channel: OUTBOX_NOTIFY_CHANNEL,
          onNotify: this.onNotify,
          onListening: (up) => (this.listenerUp = up),
          logger: this.logger,
          owner: 'outbox relay',
        },
        stopping.signal,
      );
    }
    await this.refreshParked(true);
    // Rows left unpublished by a previous run are picked up by the first iteration.
    this.loop = this.run();
  }

  /** Stops polling, publishes what is already committed (bounded by stopTimeoutMs), disconnects. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping?.abort();
    this.wake?.();
    await this.loop;
    // With Kafka failing, a flush would only spend the shutdown deadline; the rows wait for
    // the next start.
    if (this.consecutiveFailures === 0) await this.flush(this.options.stopTimeoutMs ?? 10_000);
    await this.listening;
    await this.dropProducer();
    await this.awaitLateDisconnects(this.options.stopTimeoutMs ?? 10_000);
  }

  isReady(): boolean {
    return this.status().ready;
  }

  status(): OutboxRelayStatus {
    return {
      ready: this.running && this.consecutiveFailures < FAILURES_BEFORE_NOT_READY,
      listening: this.listenerUp,
      parked: this.parked,
      consecutiveFailures: this.consecutiveFailures,
      lastFailure: this.lastFailure,
    };
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
      await this.refreshParked(outcome.kind === 'rows-failed');
      if (outcome.kind === 'published' && outcome.count === this.batchSize) continue;
      if (outcome.kind === 'rows-failed' && outcome.count > 0) continue;
      await this.idle(this.delayAfter(outcome));
    }
  }

  private delayAfter(outcome: BatchOutcome): number {
    switch (outcome.kind) {
      case 'failed':
        return backoffDelayMs(
          this.consecutiveFailures,
          this.options.failureBackoff ?? { baseDelayMs: 500, maxDelayMs: 30_000 },
        );
      case 'rows-failed':
        // Give a fixable cause (an ACL being granted) a moment between the counted attempts.
        return Math.min(this.pollIntervalMs, 1_000);
      case 'published':
      case 'idle':
        return this.pollIntervalMs;
    }
  }

  private async publishBatch(): Promise<BatchOutcome> {
    let outcome: BatchOutcome;
    try {
      // Connect before the transaction opens: a broker that is down must not keep it open.
      const producer = await this.connectedProducer();
      outcome = await inJobTransaction(this.options.dataSource, KafkaJobs.OutboxRelay, (manager) =>
        this.publishLocked(producer, manager.query.bind(manager)),
      );
    } catch (error) {
      outcome = { kind: 'failed', reason: describeRoundError(error) };
    }
    if (outcome.kind === 'failed') {
      this.consecutiveFailures += 1;
      this.lastFailure = outcome.reason;
      this.logger.error(
        `outbox relay round failed (${this.consecutiveFailures} in a row), retrying with backoff: ${outcome.reason}`,
      );
    } else {
      this.consecutiveFailures = 0;
      this.lastFailure = undefined;
    }
    return outcome;
  }

  private async publishLocked(producer: Producer, query: Query): Promise<BatchOutcome> {
    const [lock] = (await query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
      this.lockKey,
    ])) as [{ locked: boolean }];
    // Another relay instance of this service holds the lock; it publishes, we stand by.
    if (!lock.locked) return { kind: 'idle' };

    // seq order = insertion order; see OutboxWriter.append for why that is per-key commit order.
    // Rows behind a parked row of their key wait with it.
    const rows = (await query(
      `SELECT o.id, o.event_id, o.tenant_id, o.topic, o.message_key, o.payload, o.headers
         FROM outbox_message o
        WHERE o.published_at IS NULL AND o.parked_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM outbox_message p
             WHERE p.parked_at IS NOT NULL AND p.published_at IS NULL
               AND p.topic = o.topic AND p.message_key = o.message_key AND p.seq < o.seq)
        ORDER BY o.seq LIMIT $1`,
      [this.batchSize],
    )) as OutboxRow[];
    if (rows.length === 0) return { kind: 'idle' };
    await this.openPayloads(rows);

    const deadline = Date.now() + this.sendTimeoutMs;
    const failure = await this.send(producer, rows, deadline);
    if (failure === undefined) {
      await markPublished(query, rows);
      return { kind: 'published', count: rows.length };
    }
    if (failure.kind === 'transient') {
      await markAttempt(query, rows, failure.reason);
      return { kind: 'failed', reason: failure.reason };
    }
    // Some row is refused for a reason of its own: find it by sending one by one.
    return this.publishOneByOne(producer, query, rows, deadline);
  }

  /** Decrypts in place; a payload that does not open fails the round (retried with backoff). */
  private async openPayloads(rows: OutboxRow[]): Promise<void> {
    const cipher = this.options.payloadCipher;
    if (!cipher) return;
    for (const row of rows) {
      row.payload = await cipher.open(
        { tenantId: row.tenant_id, eventId: row.event_id },
        row.payload,
      );
    }
  }

  private async publishOneByOne(
    producer: Producer,
    query: Query,
    rows: readonly OutboxRow[],
    deadline: number,
  ): Promise<BatchOutcome> {
    const heldKeys = new Set<string>();
    const published: OutboxRow[] = [];
    let transient: string | undefined;
    let failedRows = 0;
    for (const row of rows) {
      const key = `${row.topic}\u0000${row.message_key}`;
      if (heldKeys.has(key)) continue;
      if (Date.now() >= deadline) break;
      const failure = await this.send(producer, [row], deadline);
      if (failure === undefined) {
        published.push(row);
      } else if (failure.kind === 'row') {
        heldKeys.add(key);
        failedRows += 1;
        await this.recordRowFailure(query, row, failure.reason);
      } else {
        transient = failure.reason;
        break;
      }
    }
    await markPublished(query, published);
    if (transient !== undefined) return { kind: 'failed', reason: transient };
    return failedRows > 0
      ? { kind: 'rows-failed', count: published.length }
      : { kind: 'published', count: published.length };
  }

  private async recordRowFailure(query: Query, row: OutboxRow, reason: string): Promise<void> {
    const [result] = (await query(
      `UPDATE outbox_message
          SET attempts = attempts + 1, failed_attempts = failed_attempts + 1, last_error = $2,
              parked_at = CASE WHEN failed_attempts + 1 >= $3 THEN now() END
        WHERE id = $1
        RETURNING failed_attempts, attempts, parked_at IS NOT NULL AS parked`,
      [row.id, reason, this.maxRowFailures],
    )) as [{ failed_attempts: number; attempts: number; parked: boolean }[], number];
    const updated = result.at(0);
    const ids = `outbox_id=${row.id} event_id=${row.event_id} tenant_id=${row.tenant_id} topic=${row.topic}`;
    if (updated?.parked) {
      // The alert line: ids only (keys are ids too, but the topic and event id suffice).
      this.logger.error(
        `ALERT outbox row parked after ${updated.failed_attempts} failures; later rows of its key wait, others flow; un-park with SELECT outbox_unpark(ARRAY['${row.id}']::uuid[]): ${ids} reason=${reason}`,
      );
    } else {
      this.logger.warn(
        `outbox row refused by the broker (${updated?.failed_attempts ?? '?'}/${this.maxRowFailures} before parking): ${ids} reason=${reason}`,
      );
    }
  }

  /**
   * Undefined when Kafka acknowledged every message (acks=all). A transient failure is retried
   * here a few times, each time as the whole batch (see connectedProducer for why never a
   * part of it), so a leader election or a metadata refresh costs a pause of a second, not a
   * failed round and the relay's growing backoff.
   */
  private async send(
    producer: Producer,
    rows: readonly OutboxRow[],
    deadline: number,
  ): Promise<PublishFailure | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const { failure, sending, abandoned } = await this.sendOnce(producer, rows, deadline);
      if (failure?.kind !== 'transient') return failure;
      const pauseMs = Math.min(SEND_RETRY_BASE_MS * 2 ** (attempt - 1), SEND_RETRY_MAX_MS);
      if (abandoned || attempt >= SEND_ATTEMPTS || Date.now() + pauseMs >= deadline) {
        // Start the next round with a fresh producer: fresh metadata and connections, and
        // nothing left of an abandoned send.
        await this.dropProducer(sending);
        return failure;
      }
      await sleep(pauseMs);
    }
  }

  private async sendOnce(
    producer: Producer,
    rows: readonly OutboxRow[],
    deadline: number,
  ): Promise<{
    failure: PublishFailure | undefined;
    sending: Promise<unknown> | undefined;
    abandoned: boolean;
  }> {
    let timer: NodeJS.Timeout | undefined;
    let sending: Promise<unknown> | undefined;
    try {
      sending = producer.sendBatch({ acks: -1, topicMessages: groupByTopic(rows) });
      // A send abandoned at the deadline may still complete: its rows are sent again and
      // the consumers' inbox drops the copies.
      sending.catch(() => undefined);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SendTimeoutError('publish deadline passed')),
          Math.max(0, deadline - Date.now()),
        );
      });
      await Promise.race([sending, timeout]);
      return { failure: undefined, sending, abandoned: false };
    } catch (error) {
      return {
        failure: classifyPublishFailure(error),
        sending,
        abandoned: error instanceof SendTimeoutError,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    // One in-flight request: a batch cannot overtake a later one, so per-partition (per-key)
    // order holds. One attempt per send, no retries inside kafkajs: its sendBatch retry
    // re-sends only to brokers that have not answered yet, so when a killed leader's
    // partition moves to a broker that already acknowledged its own share, that partition's
    // messages are never sent and the batch still resolves (found by the fault suite's leader
    // kill: a row marked published, its event absent from the log). A failure comes back to
    // the relay instead, which sends the whole batch again (see send); the consumers' inboxes
    // drop the copies of what did land. (kafkajs refuses an idempotent producer without
    // retries; broker-side dedupe only served those retries.)
    const producer = this.options.kafka.producer({
      idempotent: false,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 0 },
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }

  /**
   * Disconnects the current producer. kafkajs goes on retrying a send abandoned at its
   * deadline, and reconnects to do so even after `disconnect()`: once such a send settles,
   * the producer is disconnected again, or the sockets it reopened outlive it (a leak per
   * timed-out round, and what kept the test process from exiting).
   */
  private async dropProducer(inFlight?: Promise<unknown>): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (!producer) return;
    await producer.disconnect().catch(() => undefined);
    if (!inFlight) return;
    const late: Promise<void> = inFlight
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => producer.disconnect())
      .catch(() => undefined)
      .finally(() => this.lateDisconnects.delete(late));
    this.lateDisconnects.add(late);
  }

  /** Bounded: kafkajs's own retries end an abandoned send, but shutdown must not hang on one. */
  private async awaitLateDisconnects(timeoutMs: number): Promise<void> {
    if (this.lateDisconnects.size === 0) return;
    const controller = new AbortController();
    await Promise.race([
      Promise.all([...this.lateDisconnects]),
      sleep(timeoutMs, controller.signal),
    ]);
    controller.abort();
  }

  private async refreshParked(force: boolean): Promise<void> {
    if (!force && Date.now() - this.parkedRefreshedAt < PARKED_REFRESH_MS) return;
    try {
      const [row] = await inJobTransaction(this.options.dataSource, KafkaJobs.OutboxRelay, (m) =>
        m.query<[{ parked: number }]>(
          'SELECT count(*)::int AS parked FROM outbox_message WHERE parked_at IS NOT NULL AND published_at IS NULL',
        ),
      );
      this.parked = row.parked;
      this.parkedRefreshedAt = Date.now();
    } catch {
      // The round reports database trouble; the count is refreshed once it is back.
    }
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
}

function describeRoundError(error: unknown): string {
  // pg errors carry a SQLSTATE `code`; kafkajs errors a class chain (connect failures).
  const code: unknown = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string'
    ? `database: ${describeError(error)}`
    : `kafka: ${describePublishError(error)}`;
}

async function markPublished(query: Query, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await query(
    `UPDATE outbox_message SET published_at = now(), attempts = attempts + 1, last_error = NULL,
            failed_attempts = 0
      WHERE id = ANY($1::uuid[])`,
    [rows.map((row) => row.id)],
  );
}

async function markAttempt(
  query: Query,
  rows: readonly OutboxRow[],
  reason: string,
): Promise<void> {
  await query(
    'UPDATE outbox_message SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::uuid[])',
    [rows.map((row) => row.id), reason],
  );
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
