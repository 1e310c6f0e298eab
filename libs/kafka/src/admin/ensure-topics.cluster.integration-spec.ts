import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { dlqTopicOf } from '@caredispatch/contracts';
import { KafkaTestCluster, uniqueName } from '@caredispatch/testing';

import { ensureTopics } from './ensure-topics';

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
        const { topics: described } = await admin.fetchTopicMetadata({ topics: wanted });
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
