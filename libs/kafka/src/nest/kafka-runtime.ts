import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

import { EVENT_TYPES, type EventType } from '@caredispatch/contracts';

import { ensureTopics } from '../admin/ensure-topics';
import { EventConsumer } from '../consumer/event-consumer';
import { OutboxRelay, type OutboxRelayStatus } from '../outbox/outbox-relay';

import { readEventHandlerMetadata } from './event-handler.decorator';
import {
  KAFKA_CLIENT,
  KAFKA_MODULE_OPTIONS,
  type KafkaModuleOptions,
} from './kafka-module-options';

import type { EventHandlerFn } from '../consumer/event-context';

export interface KafkaReadiness {
  /** Undefined when the component is not configured for this service. */
  readonly relay: boolean | undefined;
  readonly consumer: boolean | undefined;
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

  constructor(
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureTopics();
    const handlers = this.discoverHandlers();
    if (this.options.relay !== false) {
      this.relay = new OutboxRelay({
        ...this.options.relay,
        kafka: this.kafka,
        dataSource: this.dataSource,
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
    const { relay, consumer } = this.readiness();
    return relay !== false && consumer !== false;
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
      kafka: this.kafka,
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
