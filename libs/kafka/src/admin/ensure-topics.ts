import { dlqTopicOf, type Topic, TOPIC_CONFIG } from '@caredispatch/contracts';

import { resolveTopicSettings, type TopicSettings } from './topic-settings';

import type { Admin } from 'kafkajs';

export { resolveTopicSettings, type TopicSettings } from './topic-settings';

/**
 * Creates each topic and its `.dlq` companion if missing, with the configured replication
 * factor and `min.insync.replicas` (never left to the broker's auto-create defaults). Safe to
 * run from every service at start-up: existing topics are left untouched (partition counts
 * are never changed here, because that would remap keys to partitions and break per-key order).
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  settings: TopicSettings = {},
): Promise<string[]> {
  const resolved = resolveTopicSettings(settings);
  const wanted = [...new Set(topics.flatMap((topic) => [topic, dlqTopicOf(topic)]))];
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: resolved.numPartitions,
      replicationFactor: resolved.replicationFactor,
      configEntries: [
        { name: 'min.insync.replicas', value: String(resolved.minInsyncReplicas) },
        // A contract's own settings (e.g. audit tree heads kept forever); its .dlq gets none.
        ...Object.entries(TOPIC_CONFIG[topic as Topic] ?? {}).map(([name, value]) => ({
          name,
          value,
        })),
      ],
    })),
  });
  return missing;
}
