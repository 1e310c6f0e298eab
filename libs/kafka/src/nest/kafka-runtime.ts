import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { DataSource } from 'typeorm';

import { EVENT_TYPES, type EventType } from '@caredispatch/contracts';

import { ensureTopics } from '../admin/ensure-topics';
import { EventConsumer } from '../consumer/event-consumer';
import { createKafkaClient } from '../kafka-client';
import { type KafkaClientOptions } from '../kafka-client-options';
import { type MetricFamily } from '../metrics/prometheus-text';
import { OutboxRelay } from '../outbox/outbox-relay';
import { type OutboxRelayStatus } from '../outbox/outbox-relay-status';

import { readEventHandlerMetadata } from './event-handler.decorator';
import { KAFKA_MODULE_OPTIONS, type KafkaModuleOptions } from './kafka-module-options';

import type { ConsumerHealth } from '../consumer/consumer-health';
import type { EventHandlerFn } from '../consumer/event-context';

export interface KafkaReadiness {
  /** Undefined when the component is not configured for this service. */
  readonly relay: boolean | undefined;
  readonly consumer: boolean | undefined;
}

export interface KafkaReadinessStatus {
  readonly ready: boolean;
  /** Why not ready (ids and error classes only); undefined when ready. */
  readonly reason: string | undefined;
}

interface DiscoveredHandler {
  readonly topic: string;
  readonly eventType: EventType | undefined;
  readonly handler: EventHandlerFn;
  readonly name: string;
}

/**
 * Starts the outbox relay and the consumer once every provider exists, and stops them on
 * shutdown — consumer first (its handlers may still append outbox rows), then the relay,
 * which flushes those rows before the database closes.
 */
@Injectable()
export class KafkaRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(KafkaRuntime.name);
  private relay: OutboxRelay | undefined;
  private consumer: EventConsumer | undefined;
  private readonly connection: KafkaClientOptions;
  private readonly kafka: ReturnType<typeof createKafkaClient>;

  constructor(
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
    private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {
    this.connection = { clientId: options.clientId, brokers: options.brokers };
    this.kafka = createKafkaClient(this.connection);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureTopics();
    const handlers = this.discoverHandlers();
    if (this.options.relay !== false) {
      this.relay = new OutboxRelay({
        ...this.options.relay,
        kafka: this.kafka,
        dataSource: this.dataSource,
        payloadCipher: this.options.payloadCipher,
      });
      await this.relay.start();
    }
    if (handlers.length > 0) {
      this.consumer = this.createConsumer(handlers);
      await this.consumer.start();
      this.logger.log(
        `consuming ${this.consumer.subscribedTopics.join(', ')} with ${handlers.length} handlers`,
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.relay?.stop();
  }

  readiness(): KafkaReadiness {
    return { relay: this.relay?.isReady(), consumer: this.consumer?.isReady() };
  }

  /** Parked rows, LISTEN state and the last publish failure; undefined without a relay. */
  relayStatus(): OutboxRelayStatus | undefined {
    return this.relay?.status();
  }

  /** For /health/ready: every configured component is up. */
  isReady(): boolean {
    return this.readinessStatus().ready;
  }

  /** Readiness with the reason, e.g. a partition stalled on a database outage. */
  readinessStatus(): KafkaReadinessStatus {
    const reasons: string[] = [];
    const relay = this.relay?.status();
    if (relay && !relay.ready)
      reasons.push(`outbox relay: ${relay.lastFailure ?? 'not connected'}`);
    const consumer: ConsumerHealth | undefined = this.consumer?.health();
    if (consumer && !consumer.ready) reasons.push(`consumer: ${consumer.reason ?? 'not ready'}`);
    return {
      ready: reasons.length === 0,
      reason: reasons.length > 0 ? reasons.join('; ') : undefined,
    };
  }

  /** Prometheus metric families of this process's consumer (dead letters, retries, stalls). */
  metricFamilies(): MetricFamily[] {
    const group = this.options.consumer?.groupId ?? '';
    const counters = this.consumer?.counters();
    const stalled = this.consumer?.health().stalled ?? [];
    return [
      {
        name: 'caredispatch_kafka_dead_letters_total',
        help: 'Messages this process sent to <topic>.dlq, by original topic.',
        type: 'counter',
        samples: [...(counters?.deadLettered ?? [])].map(([topic, value]) => ({
          labels: { topic, group },
          value,
        })),
      },
      {
        name: 'caredispatch_kafka_consumer_retries_total',
        help: 'Failed handler attempts that were retried, by topic and failure class.',
        type: 'counter',
        samples: [...(counters?.retried ?? [])].flatMap(([topic, counts]) =>
          (['transient', 'permanent'] as const).map((failureClass) => ({
            labels: { topic, group, failure_class: failureClass },
            value: counts[failureClass],
          })),
        ),
      },
      {
        name: 'caredispatch_kafka_consumer_stalled_partitions',
        help: 'Partitions waiting on a failing message (retried in place, in order).',
        type: 'gauge',
        samples: [{ labels: { group }, value: stalled.length }],
      },
      {
        name: 'caredispatch_outbox_parked_rows',
        help: 'Outbox rows parked after repeated non-transient publish failures (see outbox_unpark).',
        type: 'gauge',
        samples: [{ labels: {}, value: this.relay?.status().parked ?? 0 }],
      },
    ];
  }

  private async ensureTopics(): Promise<void> {
    const topics = this.options.topics;
    if (!topics || topics.ensure.length === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const created = await ensureTopics(admin, topics.ensure, topics);
      if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
    } finally {
      await admin.disconnect();
    }
  }

  private createConsumer(handlers: readonly DiscoveredHandler[]): EventConsumer {
    const settings = this.options.consumer;
    if (!settings) {
      throw new Error(
        `@EventHandler found on ${handlers[0]?.name ?? '?'} but KafkaModule has no consumer.groupId`,
      );
    }
    const consumer = new EventConsumer({
      ...settings,
      connection: this.connection,
      dataSource: this.dataSource,
    });
    for (const { topic, eventType, handler } of handlers) {
      if (eventType === undefined) consumer.onAny(topic, handler);
      else consumer.on(topic, eventType, handler);
    }
    return consumer;
  }

  private discoverHandlers(): DiscoveredHandler[] {
    const found: DiscoveredHandler[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!wrapper.isDependencyTreeStatic() || typeof instance !== 'object' || instance === null)
        continue;
      const prototype: unknown = Object.getPrototypeOf(instance);
      if (typeof prototype !== 'object' || prototype === null) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method: unknown = Reflect.get(prototype, methodName);
        if (typeof method !== 'function') continue;
        for (const { topic, eventType } of readEventHandlerMetadata(method)) {
          if (eventType !== undefined && !EVENT_TYPES.includes(eventType)) {
            throw new Error(
              `unknown event type ${eventType} on ${instance.constructor.name}.${methodName}`,
            );
          }
          found.push({
            topic,
            eventType,
            name: `${instance.constructor.name}.${methodName}`,
            handler: (context) =>
              Promise.resolve(method.call(instance, context) as unknown).then(() => undefined),
          });
        }
      }
    }
    return found;
  }
}
