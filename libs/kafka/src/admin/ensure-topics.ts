import { dlqTopicOf } from '@caredispatch/contracts';

import type { Admin } from 'kafkajs';

export interface TopicSettings {
  readonly numPartitions?: number;
  /** 1 on a single local broker; 3 on a cluster (KAFKA_TOPIC_REPLICATION_FACTOR). */
  readonly replicationFactor?: number;
  /**
   * Replicas that must have a write before an `acks=all` producer gets its ack; with RF 3
   * and 2 here, one broker may fail without losing an acknowledged event
   * (KAFKA_TOPIC_MIN_INSYNC_REPLICAS).
   */
  readonly minInsyncReplicas?: number;
}

export function resolveTopicSettings(settings: TopicSettings = {}): Required<TopicSettings> {
  const resolved = {
    numPartitions: settings.numPartitions ?? 3,
    replicationFactor: settings.replicationFactor ?? 1,
    minInsyncReplicas: settings.minInsyncReplicas ?? 1,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${name} must be an integer >= 1`);
  }
  if (resolved.minInsyncReplicas > resolved.replicationFactor) {
    // Every acks=all write would be refused with NOT_ENOUGH_REPLICAS.
    throw new RangeError('minInsyncReplicas must not exceed replicationFactor');
  }
  return resolved;
}

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
      configEntries: [{ name: 'min.insync.replicas', value: String(resolved.minInsyncReplicas) }],
    })),
  });
  return missing;
}
