import { Logger, type LoggerService } from '@nestjs/common';
import {
  type Consumer,
  type EachBatchPayload,
  type KafkaMessage,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';

import {
  type DecodedEvent,
  decodeEvent,
  dlqTopicOf,
  EventDecodeError,
  type EventType,
} from '@caredispatch/contracts';

import { backoffDelayMs, resolveRetryPolicy, type RetryPolicy, sleep } from '../backoff';
import { type DeadLetter, deadLetterHeaders, describeError } from '../headers';
import { createKafkaClient } from '../kafka-client';
import { type KafkaClientOptions } from '../kafka-client-options';
import { scopeTransactionToTenant } from '../tenancy/transaction-scope';
import { withConsumerSpan } from '../tracing';

import {
  type ConsumerCounters,
  type ConsumerHealth,
  describeStalls,
  type StalledPartition,
} from './consumer-health';
import { diagnoseFailure, type FailureClass } from './failure-class';

import type { EventContext, EventHandlerFn } from './event-context';

export interface EventConsumerOptions {
  /** The cluster to consume from; the consumer owns its kafkajs clients. */
  readonly connection: KafkaClientOptions;
  readonly dataSource: DataSource;
  readonly groupId: string;
  readonly retry?: Partial<RetryPolicy>;
  /** Partitions processed in parallel; order is kept within each partition. */
  readonly partitionsConsumedConcurrently?: number;
  /** Where a NEW group starts; default true so a fresh service sees events produced before it started. */
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
  /** Longest a fetch waits for data; also bounds how long stop() waits for an idle fetch. */
  readonly maxWaitTimeMs?: number;
  readonly logger?: LoggerService;
}

export const DlqReason = {
  /** A handler failed permanently (PermanentEventError, a marked domain error, a data exception). */
  HandlerRejected: 'HANDLER_REJECTED',
} as const;

/** Longest sleep between heartbeats while a message waits for its next attempt. */
const HEARTBEAT_SLICE_MS = 2_000;

const ANY_EVENT_TYPE = '*';

interface Coordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Runs handlers for decoded events with effectively-once effects:
 * decode (poison → DLQ at once) → [transaction: inbox row, handler] → resolve offset, and
 * once per fetched batch, commit the offset after the last message whose effect committed.
 * A crash before that commit only causes redelivery, which the inbox turns into a no-op.
 * Failures are classified (classifyFailure): a permanent one goes to `<topic>.dlq` after
 * bounded attempts and the partition moves on; a transient or unknown one holds its
 * partition, in order, retrying with capped backoff until it succeeds — nothing that an
 * outage caused is ever dead-lettered — and readiness reports the stall with ids.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly dlqProducer: Producer;
  private readonly retry: RetryPolicy;
  private readonly logger: LoggerService;
  private readonly handlers = new Map<string, EventHandlerFn>();
  private readonly topics = new Set<string>();
  private readonly stopping = new AbortController();
  private inFlight = new Set<Promise<void>>();
  private started = false;
  private joined = false;
  private crashed = false;
  private producerConnected = false;
  private readonly stalls = new Map<string, StalledPartition>();
  private readonly deadLettered = new Map<string, number>();
  private readonly retried = new Map<string, Record<FailureClass, number>>();

  constructor(private readonly options: EventConsumerOptions) {
    this.retry = resolveRetryPolicy(options.retry);
    this.logger = options.logger ?? new Logger(`EventConsumer:${options.groupId}`);
    const kafka = createKafkaClient({ logger: this.logger, ...options.connection });
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      // Handler failures are caught below; only infrastructure errors (e.g. the DLQ
      // unreachable, a rebalance during a wait) reach kafkajs, which then restarts the consumer.
      retry: { retries: 5 },
    });
    this.dlqProducer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, () => {
      this.joined = true;
      this.crashed = false;
    });
    this.consumer.on(events.CRASH, (event) => {
      this.crashed = !event.payload.restart;
      this.logger.error(`consumer crashed: ${describeError(event.payload.error)}`);
    });
    this.consumer.on(events.STOP, () => (this.joined = false));
    this.dlqProducer.on(this.dlqProducer.events.CONNECT, () => (this.producerConnected = true));
    this.dlqProducer.on(this.dlqProducer.events.DISCONNECT, () => (this.producerConnected = false));
  }

  /** Registers the handler for one event type on `topic`. One handler per (topic, type) per group. */
  on<T extends EventType>(topic: string, eventType: T, handler: EventHandlerFn<T>): this {
    // The map is keyed by (topic, eventType), so a stored handler is only ever called with a
    // context of its own event type; the widening is safe.
    return this.add(topic, eventType, handler as unknown as EventHandlerFn);
  }

  /** Registers a handler for every event type on `topic` that has no specific handler (e.g. audit). */
  onAny(topic: string, handler: EventHandlerFn): this {
    return this.add(topic, ANY_EVENT_TYPE, handler);
  }

  get subscribedTopics(): readonly string[] {
    return [...this.topics];
  }

  async start(): Promise<void> {
    if (this.started) return;
    if (this.topics.size === 0)
      throw new Error(`consumer group ${this.options.groupId} has no handlers`);
    this.started = true;
    await this.dlqProducer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      // Offsets are resolved one by one after each message's effect committed, never ahead.
      eachBatchAutoResolve: false,
      // Per-key order only needs per-partition order, so partitions (3 per topic) run in parallel.
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.track(this.handleBatch(payload)),
    });
  }

  /**
   * Lets in-flight messages finish and commit (a retry backoff is cut short and that message
   * is redelivered later), then leaves the group and disconnects.
   */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.stopping.abort();
    // The batch loops stop after their current message; pausing stops further fetches.
    this.consumer.pause([...this.topics].map((topic) => ({ topic })));
    await Promise.allSettled([...this.inFlight]);
    await this.consumer.disconnect();
    await this.dlqProducer.disconnect();
  }

  /** Connected, in the group, and no partition waiting on a failing message. */
  isReady(): boolean {
    return this.health().ready;
  }

  health(): ConsumerHealth {
    const stalled = [...this.stalls.values()];
    const reason = !this.started
      ? 'not started'
      : this.crashed
        ? 'consumer crashed'
        : !this.joined
          ? 'not in the consumer group'
          : !this.producerConnected
            ? 'dead-letter producer disconnected'
            : describeStalls(stalled);
    return { ready: reason === undefined, reason, stalled };
  }

  counters(): ConsumerCounters {
    return {
      deadLettered: new Map(this.deadLettered),
      retried: new Map([...this.retried].map(([topic, counts]) => [topic, { ...counts }])),
    };
  }

  private add(topic: string, eventType: string, handler: EventHandlerFn): this {
    if (this.started) throw new Error('register handlers before start()');
    const key = handlerKey(topic, eventType);
    if (this.handlers.has(key)) throw new Error(`duplicate handler for ${eventType} on ${topic}`);
    this.handlers.set(key, handler);
    this.topics.add(topic);
    return this;
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  /**
   * One partition's fetched messages, in order. Each message commits its own database
   * transaction; the Kafka offset is committed once, after the batch (one broker round trip
   * instead of one per message), and only up to the last message whose effect is durable.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    let done: Coordinates | undefined;
    try {
      for (const message of batch.messages) {
        // Not processed and not committed: redelivered to whoever owns the partition next.
        if (this.stopping.signal.aborted || !payload.isRunning() || payload.isStale()) break;
        const at: Coordinates = {
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
        };
        if (!(await this.handleMessage(message, at, heartbeat))) break;
        payload.resolveOffset(message.offset);
        done = at;
        await heartbeat();
      }
    } finally {
      // Also after a failure mid-batch: what did commit must not be redone by everyone else.
      if (done && !payload.isStale()) await this.commit(done);
    }
  }

  /**
   * Returns false when the message must stay unprocessed (stopping interrupted it).
   * A permanent failure (see classifyFailure) is dead-lettered after `maxAttempts`; a
   * transient or unknown one is retried in place, in order, for as long as it takes, while
   * the partition is reported stalled on readiness and every attempt is logged with ids.
   */
  private async handleMessage(
    message: KafkaMessage,
    at: Coordinates,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const stallKey = `${at.topic}[${at.partition}]`;
    let permanentFailures = 0;
    try {
      for (let attempt = 1; ; attempt += 1) {
        let decoded: DecodedEvent | undefined;
        try {
          decoded = decodeEvent(message.value);
          const handler =
            this.handlers.get(handlerKey(at.topic, decoded.type)) ??
            this.handlers.get(handlerKey(at.topic, ANY_EVENT_TYPE));
          if (!handler) return true;
          if (await this.processOnce(decoded, handler, at, attempt)) {
            this.logger.log(`skipped duplicate ${describeEvent(decoded)} ${describeAt(at)}`);
          }
          return true;
        } catch (error) {
          const { failureClass, rule } = diagnoseFailure(error);
          const errorName = describeError(error);
          const ids =
            `${decoded ? describeEvent(decoded) : 'undecodable message'} ${describeAt(at)}` +
            ` attempt ${attempt}: ${failureClass} ${rule} ${errorName}`;
          this.count(this.retried, at.topic, failureClass);
          if (failureClass === 'permanent') {
            permanentFailures += 1;
            if (permanentFailures >= this.retry.maxAttempts) {
              this.logger.error(`dead-lettering ${ids}`);
              await this.deadLetter(message, at, {
                reason: dlqReasonOf(error),
                error: errorName,
                attempts: attempt,
                failureRule: rule,
              });
              return true;
            }
          }
          const previous = this.stalls.get(stallKey);
          this.stalls.set(stallKey, {
            ...at,
            eventId: decoded?.envelope.eventId,
            eventType: decoded?.type,
            attempt,
            failureClass,
            rule,
            error: errorName,
            since: previous?.offset === at.offset ? previous.since : new Date(),
          });
          this.logger.warn(`retrying ${ids}`);
          const delayMs =
            failureClass === 'permanent'
              ? backoffDelayMs(permanentFailures, this.retry)
              : backoffDelayMs(attempt, {
                  baseDelayMs: this.retry.baseDelayMs,
                  maxDelayMs: this.retry.transientMaxDelayMs,
                });
          if (!(await this.waitBeforeRetry(delayMs, heartbeat))) return false;
        }
      }
    } finally {
      this.stalls.delete(stallKey);
    }
  }

  /**
   * Sleeps in slices, heartbeating between them so a long outage does not cost the group
   * membership (session timeout). False when stopping cut the wait short.
   */
  private async waitBeforeRetry(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      const left = until - Date.now();
      await sleep(Math.min(Math.max(left, 0), HEARTBEAT_SLICE_MS), this.stopping.signal);
      if (this.stopping.signal.aborted) return false;
      await heartbeat();
      if (left <= HEARTBEAT_SLICE_MS) return true;
    }
  }

  private count(
    counters: Map<string, Record<FailureClass, number>>,
    topic: string,
    failureClass: FailureClass,
  ): void {
    const current = counters.get(topic) ?? { transient: 0, permanent: 0 };
    current[failureClass] += 1;
    counters.set(topic, current);
  }

  /** Returns true when the event had already been processed by this group. */
  private processOnce(
    decoded: DecodedEvent,
    handler: EventHandlerFn,
    at: Coordinates,
    attempt: number,
  ) {
    const { envelope } = decoded;
    return withConsumerSpan(
      envelope,
      `${at.topic} process`,
      {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': at.topic,
        'messaging.destination.partition.id': String(at.partition),
        'messaging.kafka.offset': at.offset,
        'messaging.consumer.group.name': this.options.groupId,
        'messaging.message.id': envelope.eventId,
        'caredispatch.event_type': decoded.type,
        'caredispatch.tenant_id': envelope.tenantId,
        'caredispatch.attempt': attempt,
      },
      () =>
        this.options.dataSource.transaction(async (manager: EntityManager) => {
          // Row-level security: the handler sees and writes the event's tenant only.
          await scopeTransactionToTenant(manager, envelope.tenantId);
          const inserted = await manager.query<unknown[]>(
            `INSERT INTO inbox_event (consumer_group, event_id, topic, "partition", "offset")
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (consumer_group, event_id) DO NOTHING RETURNING event_id`,
            [this.options.groupId, envelope.eventId, at.topic, at.partition, at.offset],
          );
          if (inserted.length === 0) return true;
          const context = {
            eventType: decoded.type,
            event: decoded.payload,
            envelope,
            manager,
            ...at,
            attempt,
          } as EventContext;
          await handler(context);
          return false;
        }),
    );
  }

  private async deadLetter(
    message: KafkaMessage,
    at: Coordinates,
    failure: Pick<DeadLetter, 'reason' | 'error' | 'attempts' | 'failureRule'>,
  ): Promise<void> {
    await this.dlqProducer.send({
      topic: dlqTopicOf(at.topic),
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            ...deadLetterHeaders({
              ...failure,
              topic: at.topic,
              partition: at.partition,
              offset: at.offset,
              timestamp: message.timestamp,
              consumerGroup: this.options.groupId,
            }),
          },
        },
      ],
    });
    this.deadLettered.set(at.topic, (this.deadLettered.get(at.topic) ?? 0) + 1);
  }

  private commit(at: Coordinates): Promise<void> {
    // Kafka's committed offset is the NEXT offset to read.
    return this.consumer.commitOffsets([
      { topic: at.topic, partition: at.partition, offset: (BigInt(at.offset) + 1n).toString() },
    ]);
  }
}

function handlerKey(topic: string, eventType: string): string {
  return `${topic}\u0000${eventType}`;
}

function describeAt(at: Coordinates): string {
  return `at ${at.topic}[${at.partition}]@${at.offset}`;
}

function describeEvent(decoded: DecodedEvent): string {
  return `event ${decoded.envelope.eventId} (${decoded.type})`;
}

/** The `dlq-reason` header: the decode failure, or that a handler rejected the event. */
function dlqReasonOf(error: unknown): string {
  return error instanceof EventDecodeError ? error.reason : DlqReason.HandlerRejected;
}
