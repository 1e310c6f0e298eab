import { randomUUID } from 'node:crypto';

import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';

import {
  createEnvelope,
  encodeEnvelope,
  dlqTopicOf,
  EventDecodeFailure,
  type EventEnvelope,
} from '@caredispatch/contracts';

import { ensureTopics } from '../admin/ensure-topics';
import {
  bookedEvent,
  createTestDataSource,
  headerText,
  readTopic,
  testKafka,
  uniqueName,
  waitFor,
} from '../test-support/integration';

import { DlqReason, EventConsumer } from './event-consumer';

import type { EventContext } from './event-context';
import type { DataSource } from 'typeorm';

describe(EventConsumer.name, () => {
  let dataSource: DataSource;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let topic: string;
  let groupId: string;
  let sut: EventConsumer;
  let calls: string[];

  function envelopeFor(appointmentId: string): EventEnvelope {
    return createEnvelope(bookedEvent(appointmentId, 1), { producer: 'kafka-lib-test' });
  }

  async function send(key: string, value: Buffer | Uint8Array): Promise<void> {
    await producer.send({ topic, messages: [{ key, value: Buffer.from(value) }] });
  }

  async function effects(): Promise<{ event_id: string; aggregate_id: string }[]> {
    return dataSource.query('SELECT event_id, aggregate_id FROM test_effect ORDER BY id');
  }

  /** The handler under test: records an effect in the consumer's transaction; fails on demand. */
  function recordEffect(failFor: ReadonlySet<string> = new Set()) {
    return async (context: EventContext<'AppointmentBookedV1'>): Promise<void> => {
      calls.push(context.envelope.eventId);
      await context.manager.query(
        'INSERT INTO test_effect (event_id, aggregate_id) VALUES ($1, $2)',
        [context.envelope.eventId, context.event.appointment?.appointmentId],
      );
      if (failFor.has(context.envelope.eventId))
        throw new TypeError('downstream rejected the event');
    };
  }

  beforeAll(async () => {
    dataSource = await createTestDataSource('caredispatch_kafka_test_consumer');
    kafka = testKafka();
    admin = kafka.admin();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([admin.connect(), producer.connect()]);
  });

  beforeEach(async () => {
    topic = uniqueName('test.consumer.v1');
    groupId = uniqueName('test-group');
    calls = [];
    await ensureTopics(admin, [topic]);
    await dataSource.query('TRUNCATE inbox_event, test_effect');
  });

  afterEach(async () => {
    await sut.stop();
  });

  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await dataSource.destroy();
  });

  function consumer(failFor?: ReadonlySet<string>): EventConsumer {
    return new EventConsumer({
      kafka,
      dataSource,
      groupId,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
    }).on(topic, 'AppointmentBookedV1', recordEffect(failFor));
  }

  it('should apply a redelivered event once', async () => {
    const duplicated = envelopeFor(randomUUID());
    const other = envelopeFor(randomUUID());
    sut = consumer();
    await sut.start();

    await send(duplicated.aggregateId, encodeEnvelope(duplicated));
    await send(duplicated.aggregateId, encodeEnvelope(duplicated));
    await send(other.aggregateId, encodeEnvelope(other));
    await waitFor(async () => (await effects()).length === 2 && calls.length === 2, 'both events');

    expect((await effects()).map((row) => row.event_id).sort()).toEqual(
      [duplicated.eventId, other.eventId].sort(),
    );
    expect(calls.filter((id) => id === duplicated.eventId)).toHaveLength(1);
  });

  it('should dead-letter a message whose handler always fails and process the next one', async () => {
    const key = randomUUID();
    const failing = envelopeFor(key);
    const next = envelopeFor(key);
    sut = consumer(new Set([failing.eventId]));
    await sut.start();
    // Same key = same partition: `next` waits behind `failing`.
    await send(key, encodeEnvelope(failing));
    await producer.send({
      topic,
      messages: [
        { key, value: Buffer.from(encodeEnvelope({ ...next, aggregateId: randomUUID() })) },
      ],
    });

    const [dead] = await readTopic(kafka, dlqTopicOf(topic), (read) => read.length >= 1);
    await waitFor(async () => (await effects()).length === 1, 'the next message on the partition');

    const letter = dead.message;
    expect(Buffer.compare(letter.value!, Buffer.from(encodeEnvelope(failing)))).toBe(0);
    expect(letter.key?.toString()).toBe(key);
    expect(headerText(letter, 'dlq-reason')).toBe(DlqReason.HandlerFailed);
    expect(headerText(letter, 'dlq-error')).toBe('TypeError');
    expect(headerText(letter, 'dlq-original-topic')).toBe(topic);
    expect(headerText(letter, 'dlq-original-partition')).toBe(String(dead.partition));
    expect(headerText(letter, 'dlq-original-offset')).toBe('0');
    expect(headerText(letter, 'dlq-attempts')).toBe('3');
    expect(headerText(letter, 'dlq-consumer-group')).toBe(groupId);
    expect(headerText(letter, 'dlq-original-timestamp')).toMatch(/^\d+$/);
    expect(calls).toEqual([failing.eventId, failing.eventId, failing.eventId, next.eventId]);
    // The failed attempts rolled back their effects and inbox rows; only `next` is recorded.
    expect(await dataSource.query('SELECT count(*)::int AS n FROM inbox_event')).toEqual([
      { n: 1 },
    ]);
  });

  it('should dead-letter an undecodable message after the configured retries and process the next one', async () => {
    const key = randomUUID();
    const valid = envelopeFor(key);
    sut = consumer();
    await sut.start();

    await send(key, Buffer.from('{"not":"protobuf"}'));
    await send(key, encodeEnvelope(valid));

    const [dead] = await readTopic(kafka, dlqTopicOf(topic), (read) => read.length >= 1);
    await waitFor(async () => (await effects()).length === 1, 'the valid message');

    expect(dead.message.value?.toString()).toBe('{"not":"protobuf"}');
    expect(headerText(dead.message, 'dlq-reason')).toBe(EventDecodeFailure.MalformedEnvelope);
    expect(headerText(dead.message, 'dlq-attempts')).toBe('3');
    expect(calls).toEqual([valid.eventId]);
  });

  it('should resume after a restart from the last committed offset without repeating effects', async () => {
    const before = envelopeFor(randomUUID());
    const after = envelopeFor(randomUUID());
    const first = consumer();
    await first.start();
    await send(before.aggregateId, encodeEnvelope(before));
    await waitFor(async () => (await effects()).length === 1, 'the first event');
    await first.stop();

    await send(after.aggregateId, encodeEnvelope(after));
    sut = consumer();
    await sut.start();
    await waitFor(async () => (await effects()).length === 2, 'the event sent while stopped');

    expect(calls).toEqual([before.eventId, after.eventId]);
  });

  it('should commit the offset after a batch of effects and apply a redelivered batch once', async () => {
    const key = randomUUID();
    const batch = Array.from({ length: 20 }, () => envelopeFor(key));
    await producer.send({
      topic,
      messages: batch.map((envelope) => ({ key, value: Buffer.from(encodeEnvelope(envelope)) })),
    });
    const first = consumer();
    await first.start();
    await waitFor(async () => (await effects()).length === batch.length, 'the whole batch');
    await first.stop();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const partition = committed[0]?.partitions.find((p) => p.offset !== '-1');
    // The whole batch comes back, as after a crash between the effects and the offset commit.
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [{ partition: partition?.partition ?? 0, offset: '0' }],
    });

    sut = consumer();
    await sut.start();
    await waitFor(
      async () =>
        (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions.some(
          (p) => p.partition === partition?.partition && p.offset === String(batch.length),
        ) ?? false,
      'the redelivered batch to be committed again',
    );

    expect(partition?.offset).toBe(String(batch.length));
    expect((await effects()).map((row) => row.event_id)).toEqual(
      batch.map((envelope) => envelope.eventId),
    );
    expect(calls).toEqual(batch.map((envelope) => envelope.eventId));
  });
});
