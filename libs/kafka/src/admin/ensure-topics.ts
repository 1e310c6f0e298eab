import { type Admin, ConfigResourceTypes } from 'kafkajs';

import { dlqTopicOf, type Topic, TOPIC_CONFIG } from '@caredispatch/contracts';

import { backoffDelayMs, sleep } from '../backoff';

import { resolveTopicSettings, type TopicSettings } from './topic-settings';

export { resolveTopicSettings, type TopicSettings } from './topic-settings';

/** How long start-up waits out a cluster that is still forming before it gives up. */
const DEFAULT_ENSURE_TIMEOUT_MS = 60_000;
const RETRY_BACKOFF = { baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * Creates each topic and its `.dlq` companion if missing, with the configured replication
 * factor and `min.insync.replicas` (never left to the broker's auto-create defaults), and waits
 * until every partition has a leader. Safe to run from every service at start-up: existing
 * topics are left untouched (partition counts are never changed here, because that would remap
 * keys to partitions and break per-key order). A cluster that has just formed, or is electing
 * leaders, answers "unknown topic or partition" / "not leader" for a while (kafkajs' own
 * waitForLeaders gives up on the first): retriable answers are waited out for `timeoutMs`.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  settings: TopicSettings = {},
  timeoutMs = DEFAULT_ENSURE_TIMEOUT_MS,
): Promise<string[]> {
  const resolved = resolveTopicSettings(settings);
  const wanted = [...new Set(topics.flatMap((topic) => [topic, dlqTopicOf(topic)]))];
  const deadline = Date.now() + timeoutMs;
  const created = await retryWhileRetriable(deadline, () => createMissing(admin, wanted, resolved));
  await retryWhileRetriable(deadline, () => waitForLeaders(admin, wanted));
  return created;
}

async function createMissing(
  admin: Admin,
  wanted: readonly string[],
  resolved: Required<TopicSettings>,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((topic) => !existing.has(topic));
  await enforceContractSettings(
    admin,
    wanted.filter((topic) => existing.has(topic)),
    resolved.minInsyncReplicas,
  );
  if (missing.length === 0) return [];
  // false when another service created them all first (kafkajs answers TOPIC_ALREADY_EXISTS so)
  const createdHere = await admin.createTopics({
    waitForLeaders: false,
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
  return createdHere ? missing : [];
}

/** Throws a retriable error until every partition of `topics` has a leader. */
async function waitForLeaders(admin: Admin, topics: readonly string[]): Promise<void> {
  const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
  const leaderless = topics.filter((topic) => {
    const partitions = described.find((candidate) => candidate.name === topic)?.partitions ?? [];
    return partitions.length === 0 || partitions.some(({ leader }) => leader < 0);
  });
  if (leaderless.length > 0) {
    throw new LeaderNotAvailableYet(`no leader yet for a partition of ${leaderless.join(', ')}`);
  }
}

class LeaderNotAvailableYet extends Error {
  readonly retriable = true;
}

async function retryWhileRetriable<T>(deadline: number, attempt: () => Promise<T>): Promise<T> {
  for (let failures = 1; ; failures += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetriable(error) || Date.now() >= deadline) throw error;
      await sleep(Math.min(backoffDelayMs(failures, RETRY_BACKOFF), deadline - Date.now()));
    }
  }
}

/**
 * kafkajs marks broker answers and connection failures `retriable`, and wraps them once its
 * own retries run out (`originalError`); an aggregate of per-topic answers is retriable when
 * each is (or says the topic exists already, i.e. a concurrent start created it).
 */
function isRetriable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 6) return false;
  const { retriable, originalError, cause, errors, type } = error as {
    retriable?: unknown;
    originalError?: unknown;
    cause?: unknown;
    errors?: unknown;
    type?: unknown;
  };
  if (retriable === true || type === 'TOPIC_ALREADY_EXISTS') return true;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors.every((inner) => isRetriable(inner, depth + 1));
  }
  return [originalError, cause].some((inner) => isRetriable(inner, depth + 1));
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
