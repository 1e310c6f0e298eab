import { randomUUID } from 'node:crypto';

import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';

import {
  createEnvelope,
  encodeEnvelope,
  dlqTopicOf,
  EventDecodeFailure,
  type EventEnvelope,
} from '@caredispatch/contracts';
import {
  bookedEvent,
  createTestDataSource,
  DatabaseOutage,
  headerText,
  readTopic,
  TEST_BROKERS,
  testKafka,
  uniqueName,
  waitFor,
} from '@caredispatch/testing';

import { ensureTopics } from '../admin/ensure-topics';
import { kafkaEntities, kafkaMigrations } from '../migrations';

import { DlqReason, EventConsumer } from './event-consumer';
import { PermanentEventError } from './failure-class';

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
  function recordEffect(failWith: (eventId: string) => Error | undefined = () => undefined) {
    return async (context: EventContext<'AppointmentBookedV1'>): Promise<void> => {
      calls.push(context.envelope.eventId);
      await context.manager.query(
        'INSERT INTO test_effect (event_id, aggregate_id) VALUES ($1, $2)',
        [context.envelope.eventId, context.event.appointment?.appointmentId],
      );
      const failure = failWith(context.envelope.eventId);
      if (failure) throw failure;
    };
  }

  async function dlqMessageCount(): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(dlqTopicOf(topic));
    return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  }

  beforeAll(async () => {
    dataSource = await createTestDataSource('caredispatch_kafka_test_consumer', {
      entities: kafkaEntities,
      migrations: kafkaMigrations,
    });
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

  const maxAttempts = 3;

  function consumer(failWith?: (eventId: string) => Error | undefined): EventConsumer {
    return new EventConsumer({
      connection: { clientId: uniqueName('consumer-test'), brokers: TEST_BROKERS },
      dataSource,
      groupId,
      retry: { maxAttempts, baseDelayMs: 10, maxDelayMs: 40, transientMaxDelayMs: 400 },
    }).on(topic, 'AppointmentBookedV1', recordEffect(failWith));
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

  it('should dead-letter a message whose handler fails permanently and process the next one', async () => {
    const key = randomUUID();
    const failing = envelopeFor(key);
    const next = envelopeFor(key);
    sut = consumer((eventId) =>
      eventId === failing.eventId ? new PermanentEventError('TEST_REJECTED') : undefined,
    );
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
    expect(headerText(letter, 'dlq-reason')).toBe(DlqReason.HandlerRejected);
    expect(headerText(letter, 'dlq-error')).toBe('PermanentEventError[TEST_REJECTED]');
    expect(headerText(letter, 'dlq-failure-rule')).toBe('marked');
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
    expect(headerText(dead.message, 'dlq-failure-rule')).toBe('EventDecodeError');
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
  it('should retry an unknown error in place past the dead-letter bound, report the stall, and process the event once when it recovers', async () => {
    const key = randomUUID();
    const stuck = envelopeFor(key);
    const behind = envelopeFor(key);
    let bugFixed = false;
    sut = consumer((eventId) =>
      eventId === stuck.eventId && !bugFixed ? new TypeError('a bug') : undefined,
    );
    await sut.start();
    await send(key, encodeEnvelope(stuck));
    await send(key, encodeEnvelope(behind));

    await waitFor(
      () => (sut.health().stalled[0]?.attempt ?? 0) > maxAttempts + 1,
      'the stuck event to outlive the permanent-failure bound',
    );
    const during = sut.health();
    bugFixed = true;
    await waitFor(async () => (await effects()).length === 2, 'both events after the fix');
    await waitFor(() => sut.isReady(), 'readiness after recovery');

    expect(during.ready).toBe(false);
    expect(during.stalled).toEqual([
      expect.objectContaining({
        topic,
        offset: '0',
        eventId: stuck.eventId,
        eventType: 'AppointmentBookedV1',
        failureClass: 'transient',
        rule: 'unknown',
        error: 'TypeError',
      }),
    ]);
    expect(during.reason).toContain(`event ${stuck.eventId} (AppointmentBookedV1)`);
    expect(during.reason).not.toContain('a bug');
    expect((await effects()).map((row) => row.event_id)).toEqual([stuck.eventId, behind.eventId]);
    expect(await dlqMessageCount()).toBe(0);
  });

  it('should wait out a database outage without dead-lettering, then process every event once and in order per key', async () => {
    const keys = Array.from({ length: 6 }, () => randomUUID());
    const sent: EventEnvelope[] = [];
    async function sendRound(): Promise<void> {
      const round = keys.map((key) =>
        createEnvelope(bookedEvent(key, sent.length + 1), { producer: 'kafka-lib-test' }),
      );
      sent.push(...round);
      await producer.send({
        topic,
        messages: round.map((envelope) => ({
          key: envelope.aggregateId,
          value: Buffer.from(encodeEnvelope(envelope)),
        })),
      });
    }
    const outage = new DatabaseOutage(dataSource.driver.database ?? '');
    sut = consumer();
    await sut.start();
    for (let round = 0; round < 3; round += 1) await sendRound();
    await waitFor(async () => (await effects()).length > 0, 'processing to start');

    let readinessDuringOutage: ReturnType<EventConsumer['health']> | undefined;
    try {
      await outage.begin();
      const cutAt = Date.now();
      for (let round = 0; round < 5; round += 1) await sendRound();
      await waitFor(
        () => {
          const health = sut.health();
          if (!health.ready) readinessDuringOutage = health;
          return (
            Date.now() - cutAt >= 5_000 &&
            health.stalled.some((stall) => stall.attempt > maxAttempts + 1)
          );
        },
        'the consumer to retry through a 5 s outage past the dead-letter bound',
        60_000,
      );
    } finally {
      await outage.end();
    }
    await waitFor(async () => (await effects()).length === sent.length, 'every event', 60_000);
    await waitFor(() => sut.isReady(), 'readiness after the outage');

    const rows = await effects();
    expect(rows.map((row) => row.event_id).sort()).toEqual(sent.map((e) => e.eventId).sort());
    for (const key of keys) {
      expect(rows.filter((row) => row.aggregate_id === key).map((row) => row.event_id)).toEqual(
        sent.filter((e) => e.aggregateId === key).map((e) => e.eventId),
      );
    }
    expect(await dlqMessageCount()).toBe(0);
    expect(readinessDuringOutage?.ready).toBe(false);
    expect(
      readinessDuringOutage?.stalled.every((stall) => stall.failureClass === 'transient'),
    ).toBe(true);
    expect(readinessDuringOutage?.stalled.some((stall) => stall.rule !== 'unknown')).toBe(true);
    expect(sut.counters().deadLettered.get(topic)).toBeUndefined();
  });
});
