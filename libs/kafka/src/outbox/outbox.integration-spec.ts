import { randomUUID } from 'node:crypto';

import { decodeEvent } from '@caredispatch/contracts';
import {
  bookedEvent,
  createTestDataSource,
  headerText,
  readTopic,
  testKafka,
  uniqueName,
  waitFor,
} from '@caredispatch/testing';

import { ensureTopics } from '../admin/ensure-topics';
import { kafkaEntities, kafkaMigrations } from '../migrations';

import { OutboxMessageEntity } from './outbox-message.entity';
import { OutboxRelay } from './outbox-relay';
import { OutboxOutsideTransactionError, OutboxWriter } from './outbox-writer';

import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';

describe(OutboxRelay.name, () => {
  let dataSource: DataSource;
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  const writer = new OutboxWriter({ producer: 'kafka-lib-test' });
  const relays: OutboxRelay[] = [];

  function newRelay(): OutboxRelay {
    const relay = new OutboxRelay({ kafka, dataSource, batchSize: 7, pollIntervalMs: 200 });
    relays.push(relay);
    return relay;
  }

  /** One business transaction: a state row and its event, committed or rolled back together. */
  async function bookInTransaction(
    appointmentId: string,
    revision: number,
    fail = false,
  ): Promise<string> {
    return dataSource.transaction(async (manager) => {
      const envelope = await writer.append(manager, bookedEvent(appointmentId, revision), {
        topic,
      });
      await manager.query('INSERT INTO test_effect (event_id, aggregate_id) VALUES ($1, $2)', [
        envelope.eventId,
        appointmentId,
      ]);
      if (fail) throw new Error('business rule rejected the change');
      return envelope.eventId;
    });
  }

  const pendingRows = async () => {
    const [row] = await dataSource.query<[{ n: string }]>(
      'SELECT count(*) AS n FROM outbox_message WHERE published_at IS NULL',
    );
    return Number(row.n);
  };

  beforeAll(async () => {
    dataSource = await createTestDataSource('caredispatch_kafka_test_outbox', {
      entities: kafkaEntities,
      migrations: kafkaMigrations,
    });
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  beforeEach(async () => {
    topic = uniqueName('test.outbox.v1');
    await ensureTopics(admin, [topic]);
    await dataSource.query('TRUNCATE outbox_message, test_effect');
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });

  afterAll(async () => {
    await admin.disconnect();
    await dataSource.destroy();
  });

  it('should publish the event only when the state change commits', async () => {
    const sut = newRelay();
    const rolledBack = randomUUID();
    const committed = randomUUID();
    await expect(bookInTransaction(rolledBack, 1, true)).rejects.toThrow('business rule');
    const committedEventId = await bookInTransaction(committed, 1);

    await sut.start();
    const messages = await readTopic(kafka, topic, (read) => read.length >= 1);
    await waitFor(async () => (await pendingRows()) === 0, 'the row to be marked published');

    expect(messages).toHaveLength(1);
    expect(messages[0].message.key?.toString()).toBe(committed);
    expect(decodeEvent(messages[0].message.value).envelope.eventId).toBe(committedEventId);
    expect(headerText(messages[0].message, 'event-id')).toBe(committedEventId);
    expect(await dataSource.query('SELECT aggregate_id FROM test_effect')).toEqual([
      { aggregate_id: committed },
    ]);
    expect(await dataSource.getRepository(OutboxMessageEntity).count()).toBe(1);
  });

  it('should publish every event once, in order per key, across a relay restart', async () => {
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    const perKey = 12;
    const written: string[] = [];
    const first = newRelay();
    await first.start();

    for (let revision = 1; revision <= perKey; revision += 1) {
      for (const key of keys) written.push(await bookInTransaction(key, revision));
      // Stop mid-way: later events are written while no relay runs and must be sent by the next one.
      if (revision === perKey / 2) await first.stop();
    }
    const second = newRelay();
    await second.start();

    const messages = await readTopic(kafka, topic, (read) => read.length >= written.length);
    await waitFor(async () => (await pendingRows()) === 0, 'all rows to be marked published');

    const events = messages.map(({ message }) => decodeEvent(message.value));
    expect(events.map((event) => event.envelope.eventId).sort()).toEqual([...written].sort());
    for (const key of keys) {
      const revisions = events
        .filter((event) => event.envelope.aggregateId === key)
        .map((event) =>
          event.type === 'AppointmentBookedV1' ? event.payload.appointment?.revision : -1,
        );
      expect(revisions).toEqual(Array.from({ length: perKey }, (_, index) => index + 1));
    }
  });

  it('should re-publish a row whose published mark was lost, with the same event id', async () => {
    const eventId = await bookInTransaction(randomUUID(), 1);
    const first = newRelay();
    await first.start();
    await waitFor(async () => (await pendingRows()) === 0, 'the first publication');
    await first.stop();
    // What a crash between Kafka's ack and the mark's commit leaves behind.
    await dataSource.query('UPDATE outbox_message SET published_at = NULL');

    await newRelay().start();

    const messages = await readTopic(kafka, topic, (read) => read.length >= 2);
    expect(messages.map(({ message }) => headerText(message, 'event-id'))).toEqual([
      eventId,
      eventId,
    ]);
  });

  it('should refuse to append outside a transaction', async () => {
    await expect(writer.append(dataSource.manager, bookedEvent(randomUUID(), 1))).rejects.toThrow(
      OutboxOutsideTransactionError,
    );
  });
});
