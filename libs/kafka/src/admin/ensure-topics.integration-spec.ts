import { ConfigResourceTypes } from 'kafkajs';

import { dlqTopicOf } from '@caredispatch/contracts';
import { testKafka, uniqueName } from '@caredispatch/testing';

import { ensureTopics } from './ensure-topics';

import type { Admin } from 'kafkajs';

describe(ensureTopics.name, () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = testKafka().admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  async function minInsyncReplicas(topic: string): Promise<string | undefined> {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] },
      ],
    });
    return described.resources[0]?.configEntries.find(
      (entry) => entry.configName === 'min.insync.replicas',
    )?.configValue;
  }

  it('should create the topic and its dead-letter topic with the configured replica settings', async () => {
    const topic = uniqueName('test.ensure.v1');

    const created = await ensureTopics(admin, [topic], {
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });

    expect(created.sort()).toEqual([topic, dlqTopicOf(topic)].sort());
    const metadata = await admin.fetchTopicMetadata({ topics: [topic, dlqTopicOf(topic)] });
    for (const described of metadata.topics) {
      expect(described.partitions.map((partition) => partition.replicas.length)).toEqual([1, 1, 1]);
    }
    expect(await minInsyncReplicas(topic)).toBe('1');
    expect(await minInsyncReplicas(dlqTopicOf(topic))).toBe('1');
  });

  it('should refuse a replication factor the cluster cannot hold instead of creating a weaker topic', async () => {
    const topic = uniqueName('test.ensure-rf.v1');
    const brokers = (await admin.describeCluster()).brokers.length;

    await expect(
      ensureTopics(admin, [topic], { replicationFactor: brokers + 1, minInsyncReplicas: 1 }),
    ).rejects.toThrow();

    expect(await admin.listTopics()).not.toContain(topic);
  });

  it('should leave an existing topic untouched', async () => {
    const topic = uniqueName('test.ensure-again.v1');
    await ensureTopics(admin, [topic]);

    const created = await ensureTopics(admin, [topic], { numPartitions: 6 });

    expect(created).toEqual([]);
    const described = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(described.map(({ partitions }) => partitions.length)).toEqual([3]);
  });
});
