import { decodeEvent } from '@caredispatch/contracts';
import {
  bookedEvent,
  createTestDataSource,
  readTopic,
  testKafka,
  uniqueName,
} from '@caredispatch/testing';

import { ensureTopics } from './admin/ensure-topics';
import { kafkaEntities, kafkaMigrations } from './migrations';
import { OutboxRelay } from './outbox/outbox-relay';
import { OutboxWriter } from './outbox/outbox-writer';

import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';

/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils#murmur2), written from the Java source
 * independently of the client library under test.
 */
function javaMurmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ data.length) | 0;
  const whole = data.length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k =
      (data[i] ?? 0) |
      ((data[i + 1] ?? 0) << 8) |
      ((data[i + 2] ?? 0) << 16) |
      ((data[i + 3] ?? 0) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = data.length % 4;
  if (rest >= 3) h ^= (data[whole + 2] ?? 0) << 16;
  if (rest >= 2) h ^= (data[whole + 1] ?? 0) << 8;
  if (rest >= 1) {
    h ^= data[whole] ?? 0;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The Java producer's DefaultPartitioner / BuiltInPartitioner for a keyed record. */
function javaPartition(key: string, partitions: number): number {
  return (javaMurmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}

describe('key to partition', () => {
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('should reproduce the Java client murmur2 of %j (Kafka UtilsTest vector)', (key, hash) => {
    expect(javaMurmur2(Buffer.from(key, 'utf8'))).toBe(hash);
  });

  describe('through the outbox relay', () => {
    // Appointment ids as services key them; fixed so a client swap that remaps them fails here.
    const keys = [
      '00000000-0000-4000-8000-000000000000',
      '0b7c2a1e-9f1d-4c55-8d4e-3b2f6a7c9e10',
      '5b0f2d7e-6a43-4c3e-9a53-2f8e7c1d9b10',
      '7f3e9a24-1c6b-4d8e-a2f5-9b0c3d4e5f61',
      'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      'c0ffee00-1234-4abc-9def-0123456789ab',
      'deadbeef-0000-4000-8000-feedfacecafe',
      'ffffffff-ffff-4fff-bfff-ffffffffffff',
    ];
    let dataSource: DataSource;
    let kafka: Kafka;
    let admin: Admin;
    let relay: OutboxRelay;

    beforeAll(async () => {
      dataSource = await createTestDataSource('caredispatch_kafka_test_partitioning', {
        entities: kafkaEntities,
        migrations: kafkaMigrations,
      });
      kafka = testKafka();
      admin = kafka.admin();
      await admin.connect();
    });

    afterAll(async () => {
      await relay.stop();
      await admin.disconnect();
      await dataSource.destroy();
    });

    it('should put each appointment key on the partition the Java client would choose', async () => {
      const topic = uniqueName('test.partitioning.v1');
      await ensureTopics(admin, [topic], { numPartitions: 3 });
      const writer = new OutboxWriter({ producer: 'kafka-lib-test' });
      await dataSource.transaction(async (manager) => {
        for (const key of keys) await writer.append(manager, bookedEvent(key, 1), { topic });
      });
      relay = new OutboxRelay({ kafka, dataSource, pollIntervalMs: 200 });
      await relay.start();

      const read = await readTopic(kafka, topic, (messages) => messages.length >= keys.length);

      const placed = Object.fromEntries(
        read.map(({ partition, message }) => [
          decodeEvent(message.value).envelope.aggregateId,
          partition,
        ]),
      );
      expect(placed).toEqual(Object.fromEntries(keys.map((key) => [key, javaPartition(key, 3)])));
      expect(new Set(Object.values(placed)).size).toBeGreaterThan(1);
    });
  });
});
