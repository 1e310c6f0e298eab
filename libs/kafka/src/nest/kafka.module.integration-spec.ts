import { randomUUID } from 'node:crypto';

import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { type Admin, type Kafka, Partitioners } from 'kafkajs';

import {
  causedBy,
  createEnvelope,
  decodeEvent,
  encodeEnvelope,
  MessageChannel,
  MessagePurpose,
  MessageStatus,
} from '@caredispatch/contracts';
import {
  bookedEvent,
  createTestDataSource,
  readTopic,
  testKafka,
  uniqueName,
  TEST_BROKERS,
  waitFor,
} from '@caredispatch/testing';

import { ensureTopics } from '../admin/ensure-topics';
import { kafkaEntities, kafkaMigrations } from '../migrations';
import { OutboxWriter } from '../outbox/outbox-writer';

import { EventHandler } from './event-handler.decorator';
import { KafkaMetricsController } from './kafka-metrics.controller';
import { KafkaRuntime } from './kafka-runtime';
import { KafkaModule } from './kafka.module';

import type { EventContext } from '../consumer/event-context';
import type { DataSource } from 'typeorm';

const inputTopic = uniqueName('test.nest-in.v1');
const groupId = uniqueName('nest-group');
const outputTopic = uniqueName('test.nest-out.v1');

/** A consumer the way a service writes one: a provider method declared with @EventHandler. */
@Injectable()
class ConfirmationConsumer {
  readonly seenTraceIds: string[] = [];

  constructor(private readonly outbox: OutboxWriter) {}

  @EventHandler(inputTopic, 'AppointmentBookedV1')
  async onBooked({ event, envelope, manager }: EventContext<'AppointmentBookedV1'>): Promise<void> {
    this.seenTraceIds.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
    const appointmentId = event.appointment?.appointmentId ?? '';
    await manager.query('INSERT INTO test_effect (event_id, aggregate_id) VALUES ($1, $2)', [
      envelope.eventId,
      appointmentId,
    ]);
    await this.outbox.append(
      manager,
      {
        type: 'MessageQueuedV1',
        tenantId: envelope.tenantId,
        aggregateId: appointmentId,
        ...causedBy(envelope),
        payload: {
          messageId: randomUUID(),
          appointmentId,
          channel: MessageChannel.SMS,
          purpose: MessagePurpose.CONFIRMATION,
          status: MessageStatus.QUEUED,
        },
      },
      { topic: outputTopic },
    );
  }
}

describe(KafkaModule.name, () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  let dataSource: DataSource;
  let kafka: Kafka;
  let admin: Admin;
  let app: INestApplicationContext;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    dataSource = await createTestDataSource('caredispatch_kafka_test_nest', {
      entities: kafkaEntities,
      migrations: kafkaMigrations,
    });
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [inputTopic, outputTopic]);

    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSource.options,
          dataSourceFactory: () => Promise.resolve(dataSource),
        }),
        KafkaModule.forRoot({
          clientId: uniqueName('nest-test'),
          brokers: TEST_BROKERS,
          serviceName: 'messaging',
          consumer: {
            groupId,
            retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
          },
          relay: { pollIntervalMs: 200 },
        }),
      ],
      providers: [ConfirmationConsumer],
    }).compile();
    app = moduleRef.createNestApplication();
    app.useLogger(false);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await admin.disconnect();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('should deliver a decoded event to the decorated handler and publish its outbox event in the same trace', async () => {
    const sut = app.get(KafkaRuntime);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const appointmentId = randomUUID();
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });
    const booked = createEnvelope(bookedEvent(appointmentId, 1), {
      producer: 'scheduling',
      context: parent,
    });

    await producer.send({
      topic: inputTopic,
      messages: [{ key: appointmentId, value: Buffer.from(encodeEnvelope(booked)) }],
    });
    await producer.disconnect();
    const [published] = await readTopic(kafka, outputTopic, (read) => read.length >= 1);
    await waitFor(() => sut.isReady(), 'the runtime to report ready');

    const queued = decodeEvent(published.message.value);
    expect(queued.type).toBe('MessageQueuedV1');
    expect(queued.envelope).toMatchObject({
      producer: 'messaging',
      aggregateId: appointmentId,
      correlationId: booked.correlationId,
      causationId: booked.eventId,
    });
    expect(queued.envelope.traceparent.split('-')[1]).toBe(traceId);
    expect(app.get(ConfirmationConsumer).seenTraceIds).toEqual([traceId]);
    expect(sut.readiness()).toEqual({ relay: true, consumer: true });
    expect(sut.readinessStatus()).toEqual({ ready: true, reason: undefined });
    const metrics = app.get(KafkaMetricsController).metrics();
    expect(metrics).toContain('# TYPE caredispatch_kafka_dead_letters_total counter');
    expect(metrics).toContain(
      `caredispatch_kafka_consumer_stalled_partitions{group="${groupId}"} 0`,
    );
  });
});
