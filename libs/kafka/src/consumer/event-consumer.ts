import { Logger, type LoggerService } from '@nestjs/common';
import {
  type Consumer,
  type EachBatchPayload,
  type Kafka,
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
import { deadLetterHeaders, describeError } from '../headers';
import { withConsumerSpan } from '../tracing';

import type { EventContext, EventHandlerFn } from './event-context';

export interface EventConsumerOptions {
  readonly kafka: Kafka;
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
  HandlerFailed: 'HANDLER_FAILED',
} as const;

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
 * Handler failures retry in-process with backoff and then go to `<topic>.dlq`, so a
 * failing message never blocks its partition.
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

  constructor(private readonly options: EventConsumerOptions) {
    this.retry = resolveRetryPolicy(options.retry);
    this.logger = options.logger ?? new Logger(`EventConsumer:${options.groupId}`);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      // Never blocks a partition: handler failures are caught below; only infrastructure
      // errors (e.g. the DLQ unreachable) reach kafkajs, which then restarts the consumer.
      retry: { retries: 5 },
    });
    this.dlqProducer = options.kafka.producer({
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

  isReady(): boolean {
    return this.started && this.joined && !this.crashed && this.producerConnected;
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

  /** Returns false when the message must stay unprocessed (stopping interrupted it). */
  private async handleMessage(
    message: KafkaMessage,
    at: Coordinates,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    let decoded: DecodedEvent | undefined;
    for (let attempt = 1; decoded === undefined; attempt += 1) {
      try {
        decoded = decodeEvent(message.value);
      } catch (error) {
        if (!(error instanceof EventDecodeError)) throw error;
        // One retry policy governs every dead letter, as operators configure it. Bytes rarely
        // become decodable, but a consumer mid-deploy (schema rolled out producer-first) can
        // be; the backoff is the price of never dead-lettering on the first look.
        if (attempt >= this.retry.maxAttempts) {
          this.logger.warn(
            `poison message ${describeAt(at)} after ${attempt} attempts: ${error.reason}`,
          );
          await this.deadLetter(message, at, error.reason, error.issues.join('; '), attempt);
          return true;
        }
        await sleep(backoffDelayMs(attempt, this.retry), this.stopping.signal);
        if (this.stopping.signal.aborted) return false;
        await heartbeat();
      }
    }

    const handler =
      this.handlers.get(handlerKey(at.topic, decoded.type)) ??
      this.handlers.get(handlerKey(at.topic, ANY_EVENT_TYPE));
    if (!handler) return true;
    return this.processWithRetries(decoded, handler, at, message, heartbeat);
  }

  /** Returns false when stopping interrupted the retries (offset must stay uncommitted). */
  private async processWithRetries(
    decoded: DecodedEvent,
    handler: EventHandlerFn,
    at: Coordinates,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const ids = `event ${decoded.envelope.eventId} (${decoded.type}) ${describeAt(at)}`;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const duplicate = await this.processOnce(decoded, handler, at, attempt);
        if (duplicate) this.logger.log(`skipped duplicate ${ids}`);
        return true;
      } catch (error) {
        const cause = describeError(error);
        if (attempt >= this.retry.maxAttempts) {
          this.logger.error(`dead-lettering ${ids} after ${attempt} attempts: ${cause}`);
          await this.deadLetter(message, at, DlqReason.HandlerFailed, cause, attempt);
          return true;
        }
        this.logger.warn(`handler failed for ${ids}, attempt ${attempt}: ${cause}`);
        await sleep(backoffDelayMs(attempt, this.retry), this.stopping.signal);
        if (this.stopping.signal.aborted) return false;
        // Long backoffs must not cost the group membership (session timeout).
        await heartbeat();
      }
    }
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
    reason: string,
    error: string,
    attempts: number,
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
              reason,
              error,
              topic: at.topic,
              partition: at.partition,
              offset: at.offset,
              timestamp: message.timestamp,
              attempts,
              consumerGroup: this.options.groupId,
            }),
          },
        },
      ],
    });
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
