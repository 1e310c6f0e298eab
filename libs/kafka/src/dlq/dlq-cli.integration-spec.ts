import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

import { type Admin, type Kafka, Partitioners, type Producer } from 'kafkajs';

import { createEnvelope, dlqTopicOf, encodeEnvelope } from '@caredispatch/contracts';
import {
  bookedEvent,
  createTestDataSource,
  readTopic,
  TEST_BROKERS,
  testKafka,
  uniqueName,
  waitFor,
} from '@caredispatch/testing';

import { ensureTopics } from '../admin/ensure-topics';
import { EventConsumer } from '../consumer/event-consumer';
import { PermanentEventError } from '../consumer/failure-class';
import { kafkaEntities, kafkaMigrations } from '../migrations';

import type { DeadLetterRecord } from './dead-letter-record';
import type { DataSource } from 'typeorm';

const run = promisify(execFile);
// Four CLI processes (each compiles TypeScript at start-up) on a busy CI machine.
jest.setTimeout(300_000);
const repoRoot = resolve(__dirname, '../../../..');

/** The CLI as an operator runs it: a separate process (`npm run dlq -- …` runs exactly this). */
async function dlq(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['-r', '@swc-node/register', 'libs/kafka/src/dlq/main.ts', ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, KAFKA_BROKERS: TEST_BROKERS.join(',') },
        timeout: 180_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('caredispatch-dlq', () => {
  const tenantId = uniqueName('clinic');
  const topic = uniqueName('test.dlq-cli.v1');
  const groupId = uniqueName('dlq-cli-group');
  let dataSource: DataSource;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: EventConsumer;
  let rejecting = true;

  beforeAll(async () => {
    dataSource = await createTestDataSource('caredispatch_kafka_test_dlq_cli', {
      entities: kafkaEntities,
      migrations: kafkaMigrations,
    });
    kafka = testKafka();
    admin = kafka.admin();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([admin.connect(), producer.connect()]);
    await ensureTopics(admin, [topic]);
    consumer = new EventConsumer({
      connection: { clientId: uniqueName('dlq-cli-test'), brokers: TEST_BROKERS },
      dataSource,
      groupId,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, transientMaxDelayMs: 200 },
    }).on(topic, 'AppointmentBookedV1', async ({ envelope, manager }) => {
      // Stands in for a domain rule that was wrong and has since been fixed.
      if (rejecting) throw new PermanentEventError('LOCATION_NOT_SERVED');
      await manager.query('INSERT INTO test_effect (event_id, aggregate_id) VALUES ($1, $2)', [
        envelope.eventId,
        envelope.aggregateId,
      ]);
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await dataSource.destroy();
  });

  async function effectsOf(eventId: string): Promise<number> {
    const rows = await dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM test_effect WHERE event_id = $1',
      [eventId],
    );
    return rows.at(0)?.n ?? 0;
  }

  async function consumedToEnd(): Promise<boolean> {
    const [ends, groupOffsets] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    return ends.every(({ partition, high }) => {
      const at =
        groupOffsets.at(0)?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      return high === '0' || at === high;
    });
  }

  it('should list and show a dead letter without PHI, replay it to its original topic once processed, and replay again harmlessly', async () => {
    const appointmentId = randomUUID();
    const booked = createEnvelope(bookedEvent(appointmentId, 1, tenantId), {
      producer: 'dlq-test',
    });
    await producer.send({
      topic,
      messages: [{ key: appointmentId, value: Buffer.from(encodeEnvelope(booked)) }],
    });
    const [dead] = await readTopic(kafka, dlqTopicOf(topic), (read) => read.length >= 1);
    const dlqTopic = dlqTopicOf(topic);
    const at = [dlqTopic, String(dead.partition), dead.message.offset] as const;

    const listed = await dlq('list', '--topic', topic, '--tenant', tenantId, '--json');
    const shown = await dlq('show', ...at);
    rejecting = false;
    const replayed = await dlq('replay', ...at);
    await waitFor(
      async () => (await effectsOf(booked.eventId)) === 1,
      'the replayed event',
      60_000,
    );
    const replayedAgain = await dlq('replay', '--tenant', tenantId, '--topic', topic);
    await waitFor(consumedToEnd, 'the consumer to pass the second replay', 60_000);

    expect(listed.code).toBe(0);
    const records = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DeadLetterRecord);
    expect(records).toEqual([
      expect.objectContaining({
        dlqTopic,
        partition: dead.partition,
        offset: dead.message.offset,
        reason: 'HANDLER_REJECTED',
        error: 'PermanentEventError[LOCATION_NOT_SERVED]',
        attempts: 2,
        consumerGroup: groupId,
        original: expect.objectContaining({ topic, offset: '0' }) as unknown,
        eventId: booked.eventId,
        eventType: 'AppointmentBookedV1',
        tenantId,
      }),
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('PermanentEventError[LOCATION_NOT_SERVED]');
    expect(shown.stdout).toContain(booked.eventId);
    for (const output of [listed.stdout, shown.stdout, replayed.stdout]) {
      expect(output).not.toContain('Ada');
      expect(output).not.toContain('+15555550100');
    }
    expect(replayed).toMatchObject({ code: 0 });
    expect(replayed.stdout).toContain(`replayed ${at.join('/')} -> ${topic}`);
    expect(replayedAgain.code).toBe(0);
    expect(await effectsOf(booked.eventId)).toBe(1);
    expect(consumer.counters().deadLettered.get(topic)).toBe(1);
  });

  it('should refuse bad coordinates with a usage error and exit code 2', async () => {
    const result = await dlq('replay', topic, '0', '1');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a .dlq topic');
  });
});
