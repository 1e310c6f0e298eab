import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';

import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';

import {
  createTestDataSource,
  readTopic,
  TEST_BROKERS,
  testKafka,
  uniqueName,
  waitFor,
} from '@caredispatch/testing';

import { ensureTopics } from '../admin/ensure-topics';
import { createKafkaClient } from '../kafka-client';
import { kafkaEntities, kafkaMigrations } from '../migrations';

import { listParkedOutboxMessages, unparkOutboxMessages } from './outbox-parking';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';

import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';

const DATABASE = 'caredispatch_kafka_test_outbox_failures';

describe(`${OutboxRelay.name} under failures`, () => {
  let dataSource: DataSource;
  let kafka: Kafka;
  let admin: Admin;
  const relays: OutboxRelay[] = [];
  const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

  function newRelay(overrides: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const relay = new OutboxRelay({
      kafka,
      dataSource,
      batchSize: 10,
      pollIntervalMs: 200,
      maxRowFailures: 2,
      logger: silent,
      ...overrides,
    });
    relays.push(relay);
    return relay;
  }

  /** A raw row as OutboxWriter would stage it; `value` is the payload the broker receives. */
  async function stage(topic: string, key: string, value: Buffer): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO outbox_message (id, tenant_id, topic, message_key, event_id, event_type, payload, headers)
       VALUES ($1, 'acme', $2, $3, $4, 'AppointmentBookedV1', $5, '{}')`,
      [id, topic, key, randomUUID(), value],
    );
    await dataSource.query(`SELECT pg_notify('outbox_message', '')`);
    return id;
  }

  async function row(id: string): Promise<{
    published: boolean;
    parked: boolean;
    failed_attempts: number;
    attempts: number;
    last_error: string | null;
  }> {
    const [found] = await dataSource.query<
      [
        {
          published: boolean;
          parked: boolean;
          failed_attempts: number;
          attempts: number;
          last_error: string | null;
        },
      ]
    >(
      `SELECT published_at IS NOT NULL AS published, parked_at IS NOT NULL AS parked,
              failed_attempts, attempts, last_error FROM outbox_message WHERE id = $1`,
      [id],
    );
    return found;
  }

  beforeAll(async () => {
    dataSource = await createTestDataSource(DATABASE, {
      entities: kafkaEntities,
      migrations: kafkaMigrations,
    });
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await dataSource.query('TRUNCATE outbox_message');
  });

  afterAll(async () => {
    await admin.disconnect();
    await dataSource.destroy();
  });

  it('should park a row the broker refuses, hold later rows of its key and let other keys flow', async () => {
    const topic = uniqueName('test.outbox-park.v1');
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '2048' }] },
      ],
    });
    const [poisoned, healthy] = [randomUUID(), randomUUID()];
    const before = await stage(topic, healthy, Buffer.from('healthy-1'));
    const oversized = await stage(topic, poisoned, randomBytes(8_192));
    const heldBehind = await stage(topic, poisoned, Buffer.from('poisoned-2'));
    const after = await stage(topic, healthy, Buffer.from('healthy-2'));
    const sut = newRelay();

    await sut.start();
    await waitFor(async () => (await row(oversized)).parked, 'the oversized row to be parked');
    const later = await stage(topic, healthy, Buffer.from('healthy-3'));
    const read = await readTopic(kafka, topic, (messages) => messages.length >= 3);
    await waitFor(async () => (await row(later)).published, 'the later row to be marked');
    await waitFor(() => sut.status().parked === 1, 'the parked count');

    expect(read.map(({ message }) => message.value?.toString())).toEqual([
      'healthy-1',
      'healthy-2',
      'healthy-3',
    ]);
    expect([(await row(before)).published, (await row(after)).published]).toEqual([true, true]);
    expect(await row(oversized)).toMatchObject({
      published: false,
      parked: true,
      failed_attempts: 2,
    });
    expect((await row(oversized)).last_error).toContain('MESSAGE_TOO_LARGE');
    expect(await row(heldBehind)).toMatchObject({ published: false, parked: false });
    expect(await listParkedOutboxMessages(dataSource)).toMatchObject([
      { id: oversized, topic, failedAttempts: 2, heldBehind: 1 },
    ]);
    expect(sut.status().ready).toBe(true);
  });

  it('should publish a parked row and the rows held behind it, in order, once un-parked', async () => {
    const topic = uniqueName('test.outbox-unpark.v1');
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '2048' }] },
      ],
    });
    const key = randomUUID();
    const oversized = await stage(
      topic,
      key,
      Buffer.concat([Buffer.from('first:'), randomBytes(8_192)]),
    );
    const heldBehind = await stage(topic, key, Buffer.from('second'));
    const sut = newRelay();
    await sut.start();
    await waitFor(async () => (await row(oversized)).parked, 'the oversized row to be parked');

    // The operator fixes the cause, then un-parks.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'max.message.bytes', value: '1048576' }],
        },
      ],
    });
    const unparked = await unparkOutboxMessages(dataSource);
    const read = await readTopic(kafka, topic, (messages) => messages.length >= 2);
    await waitFor(async () => (await row(heldBehind)).published, 'the held row to be marked');

    expect(unparked).toBe(1);
    expect(read.map(({ message }) => message.value?.subarray(0, 6).toString())).toEqual([
      'first:',
      'second',
    ]);
    expect(await row(oversized)).toMatchObject({ published: true, parked: false });
    await waitFor(() => sut.status().parked === 0, 'the parked count to drop');
  });

  it('should never park rows while the broker is unreachable, and report not-ready with the cause', async () => {
    const unreachable = createKafkaClient({
      clientId: uniqueName('unreachable'),
      brokers: ['127.0.0.1:1'],
      connectionTimeoutMs: 200,
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
      logger: silent,
    });
    const id = await stage(uniqueName('test.outbox-down.v1'), randomUUID(), Buffer.from('waits'));
    const sut = newRelay({
      kafka: unreachable,
      failureBackoff: { baseDelayMs: 20, maxDelayMs: 50 },
    });

    await sut.start();
    await waitFor(() => sut.status().consecutiveFailures >= 4, 'several failed rounds', 60_000);

    expect(await row(id)).toMatchObject({ published: false, parked: false, failed_attempts: 0 });
    expect(sut.status()).toMatchObject({ ready: false, parked: 0 });
    expect(sut.status().lastFailure).toContain('KafkaJSConnectionError');
  });

  it('should give up a send at its deadline, end the round and publish the batch on a later one', async () => {
    const topic = uniqueName('test.outbox-slow.v1');
    await ensureTopics(admin, [topic]);
    const id = await stage(topic, randomUUID(), Buffer.from('late'));
    const broker = connectionCountingKafka();
    // A deadline no broker answer can meet: every round is cut short.
    const impatient = newRelay({
      kafka: broker.kafka,
      sendTimeoutMs: 1,
      failureBackoff: { baseDelayMs: 20, maxDelayMs: 50 },
    });

    await impatient.start();
    await waitFor(async () => (await row(id)).attempts >= 3, 'three committed, timed-out rounds');
    await impatient.stop();
    // kafkajs retries an abandoned send, reconnecting after the relay disconnected its
    // producer; stop() must leave none of those connections open.
    await waitFor(() => broker.openSockets() === 0, 'every broker connection to close');
    expect(await row(id)).toMatchObject({ published: false, parked: false, failed_attempts: 0 });
    expect((await row(id)).last_error).toContain('OutboxSendTimeoutError');
    await newRelay().start();

    await waitFor(async () => (await row(id)).published, 'the batch to be published');
    const read = await readTopic(kafka, topic, (messages) => messages.length >= 1);
    // Abandoned sends may have landed too (at-least-once); the consumers' inbox drops copies.
    expect(new Set(read.map(({ message }) => message.value?.toString()))).toEqual(
      new Set(['late']),
    );
  });

  it('should LISTEN again after its connection is terminated and publish on the next NOTIFY', async () => {
    const topic = uniqueName('test.outbox-relisten.v1');
    await ensureTopics(admin, [topic]);
    const listeners = async (): Promise<number[]> =>
      (
        await dataSource.query<{ pid: number }[]>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND query = 'LISTEN outbox_message'`,
        )
      ).map(({ pid }) => pid);
    // No poll within the test's lifetime: only a NOTIFY can make the relay publish.
    const sut = newRelay({ pollIntervalMs: 600_000 });
    await sut.start();
    await waitFor(async () => (await listeners()).length === 1, 'the first LISTEN session');
    const [terminated] = await listeners();

    await dataSource.query('SELECT pg_terminate_backend($1)', [terminated]);
    await waitFor(async () => {
      const now = await listeners();
      return now.length === 1 && now[0] !== terminated;
    }, 'a new LISTEN session');
    const id = await stage(topic, randomUUID(), Buffer.from('after-relisten'));

    const read = await readTopic(kafka, topic, (messages) => messages.length >= 1);
    await waitFor(async () => (await row(id)).published, 'the row to be marked');
    expect(read.map(({ message }) => message.value?.toString())).toEqual(['after-relisten']);
    expect(sut.status().listening).toBe(true);
  });
});

/** A Kafka client whose broker connections the test can count. */
function connectionCountingKafka(): { kafka: Kafka; openSockets: () => number } {
  const open = new Set<Socket>();
  const kafka = new Kafka({
    clientId: uniqueName('counted'),
    brokers: TEST_BROKERS,
    logLevel: logLevel.NOTHING,
    socketFactory: ({ host, port, onConnect }) => {
      const socket = connect({ host, port }, onConnect);
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      return socket;
    },
  });
  return { kafka, openSockets: () => open.size };
}
