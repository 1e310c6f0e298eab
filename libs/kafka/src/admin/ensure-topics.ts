import { type Admin, ConfigResourceTypes } from 'kafkajs';

import { dlqTopicOf, type Topic, TOPIC_CONFIG } from '@caredispatch/contracts';

import { resolveTopicSettings, type TopicSettings } from './topic-settings';

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
  await enforceContractSettings(
    admin,
    wanted.filter((topic) => existing.has(topic)),
    resolved.minInsyncReplicas,
  );
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

/**
 * A topic whose contract names settings (TOPIC_CONFIG) gets them even when something else
 * created it first (a broker's auto-create, a test consumer): retention of audit evidence is
 * not left to whoever touched the topic first. Only settings that differ are written, with
 * min.insync.replicas restated because a non-incremental alter replaces the topic's overrides.
 */
async function enforceContractSettings(
  admin: Admin,
  topics: readonly string[],
  minInsyncReplicas: number,
): Promise<void> {
  for (const topic of topics) {
    const wanted = TOPIC_CONFIG[topic as Topic];
    if (!wanted) continue;
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configNames: Object.keys(wanted) },
      ],
    });
    const current = new Map(
      (described.resources[0]?.configEntries ?? []).map((entry) => [
        entry.configName,
        entry.configValue,
      ]),
    );
    if (Object.entries(wanted).every(([name, value]) => current.get(name) === value)) continue;
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [
            { name: 'min.insync.replicas', value: String(minInsyncReplicas) },
            ...Object.entries(wanted).map(([name, value]) => ({ name, value })),
          ],
        },
      ],
    });
  }
}
