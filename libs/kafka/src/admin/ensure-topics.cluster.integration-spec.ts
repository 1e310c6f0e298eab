import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Admin, Kafka, KafkaJSProtocolError, logLevel } from 'kafkajs';

import { dlqTopicOf } from '@caredispatch/contracts';
import { eventually, KafkaTestCluster, uniqueName } from '@caredispatch/testing';

import { ensureTopics } from './ensure-topics';

/**
 * The topics' metadata as `admin` sees it once every broker it asks serves them: right after
 * creation a broker can still answer a retriable "does not host this topic-partition", which
 * the services' clients retry too.
 */
function settledMetadata(admin: Admin, topics: string[]): ReturnType<Admin['fetchTopicMetadata']> {
  return eventually(
    () =>
      admin.fetchTopicMetadata({ topics }).catch((error: unknown) => {
        if (error instanceof KafkaJSProtocolError && error.retriable) return undefined;
        throw error;
      }),
    30_000,
    'topic metadata from every broker',
    250,
  );
}

// A 3-node cluster of the spec's own (free ports, its own directory), never the shared broker.
describe(`${ensureTopics.name} on a 3-node cluster that has just formed`, () => {
  const cluster = new KafkaTestCluster({
    nodes: 3,
    dir: mkdtempSync(join(tmpdir(), 'ensure-topics-cluster-')),
  });

  beforeAll(async () => {
    await cluster.start();
  }, 240_000);

  afterAll(async () => {
    await cluster.stop();
  }, 60_000);

  it('should create every topic with leaders when services start together, as they do on a fresh cluster', async () => {
    const topics = [uniqueName('test.fresh-a.v1'), uniqueName('test.fresh-b.v1')];
    // Four services start at once, each bootstrapped on another broker and creating the same topics.
    const services = [0, 1, 2, 0].map((first) => {
      const brokers = cluster.brokers.split(',');
      return new Kafka({
        clientId: uniqueName('service'),
        brokers: [...brokers.slice(first), ...brokers.slice(0, first)],
        logLevel: logLevel.NOTHING,
      }).admin();
    });
    await Promise.all(services.map((admin) => admin.connect()));

    try {
      await Promise.all(
        services.map((admin) =>
          ensureTopics(admin, topics, { replicationFactor: 3, minInsyncReplicas: 2 }),
        ),
      );

      const wanted = topics.flatMap((topic) => [topic, dlqTopicOf(topic)]);
      for (const admin of services) {
        const { topics: described } = await settledMetadata(admin, wanted);
        expect(described.map(({ name }) => name).sort()).toEqual([...wanted].sort());
        for (const { partitions } of described) {
          expect(partitions).toHaveLength(3);
          for (const partition of partitions) {
            expect(partition.leader).toBeGreaterThan(0);
            expect(partition.replicas).toHaveLength(3);
          }
        }
      }
    } finally {
      await Promise.all(services.map((admin) => admin.disconnect()));
    }
  }, 180_000);
});
