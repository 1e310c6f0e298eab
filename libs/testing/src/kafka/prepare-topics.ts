import { randomUUID } from 'node:crypto';

import { type Admin, Kafka, logLevel } from 'kafkajs';

import { type Topic, TOPIC_CONFIG } from '@caredispatch/contracts';

import { eventually } from '../process/service-process';

import { fetchTopicEnds } from './fetch-topic-ends';

export interface TopicPreparation {
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  /** Partitions of a topic that has to be created (3, as the services create them). */
  readonly numPartitions?: number;
}

/** The replication the caller's environment asks for (1/1 unless set, as the services read it). */
export function topicPreparationFromEnvironment(
  environment: NodeJS.ProcessEnv = process.env,
): TopicPreparation {
  const read = (name: string): number => {
    const raw = environment[name];
    if (raw === undefined || raw === '') return 1;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${name}: expected an integer >= 1, got ${JSON.stringify(raw)}`);
    return value;
  };
  return {
    replicationFactor: read('KAFKA_TOPIC_REPLICATION_FACTOR'),
    minInsyncReplicas: read('KAFKA_TOPIC_MIN_INSYNC_REPLICAS'),
  };
}

/** A topic exists with settings the caller cannot use (e.g. fewer replicas than configured). */
export class TopicMismatchError extends Error {}

const CONSUMER_OFFSETS = '__consumer_offsets';

/**
 * Makes a broker or cluster ready for a test run: creates the missing `topics` with the given
 * replication and `min.insync.replicas` (and their contract settings), then waits until every
 * partition of those topics and of the group-offsets topic has a leader and enough in-sync
 * replicas in the metadata of EVERY broker, and until each leader answers offset requests.
 * A cluster that has just formed (or just lost a node) answers "unknown topic or partition" /
 * "not leader" for a while; the services and test clients must not meet those answers at
 * start-up. Throws TopicMismatchError when a topic exists with fewer replicas than asked.
 */
export async function prepareTopics(
  brokers: readonly string[],
  topics: readonly string[],
  preparation: TopicPreparation,
  timeoutMs = 120_000,
): Promise<void> {
  const wanted = [...new Set(topics)];
  const deadline = Date.now() + timeoutMs;
  const remaining = (): number => Math.max(1_000, deadline - Date.now());
  let lastProblem = 'nothing answered yet';
  const probe = async (check: () => Promise<string | undefined>): Promise<true | undefined> => {
    try {
      const problem = await check();
      if (problem === undefined) return true;
      lastProblem = problem;
    } catch (error) {
      if (error instanceof TopicMismatchError) throw error;
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    return undefined;
  };
  const waitFor = async (what: string, check: () => Promise<string | undefined>): Promise<void> => {
    try {
      await eventually(() => probe(check), remaining(), what, 500);
    } catch (error) {
      if (error instanceof TopicMismatchError) throw error;
      throw new Error(`${error instanceof Error ? error.message : String(error)} (${lastProblem})`);
    }
  };

  await waitFor(`topics created on ${brokers.join(',')}`, () =>
    withAdmin(brokers, (admin) => createMissing(admin, wanted, preparation)),
  );
  // A group coordinator lookup makes the brokers create the group-offsets topic, which every
  // consumer group and offset commit needs.
  const probeGroup = `topic-readiness-${randomUUID()}`;
  await waitFor('a group coordinator', () =>
    withAdmin(brokers, async (admin) => {
      await admin.fetchOffsets({ groupId: probeGroup, topics: wanted.slice(0, 1) });
      return undefined;
    }),
  );
  for (const broker of brokers) {
    await waitFor(`leaders for every partition in ${broker}'s metadata`, () =>
      withAdmin([broker], async (admin) =>
        firstProblem([
          ...(await leaderProblems(admin, wanted, preparation)),
          ...(await leaderProblems(admin, [CONSUMER_OFFSETS], undefined)),
        ]),
      ),
    );
  }
  await waitFor('every leader answering offset requests', () =>
    withAdmin(brokers, async (admin) => {
      for (const topic of wanted) await fetchTopicEnds(admin, topic, remaining());
      return undefined;
    }),
  );
}

async function createMissing(
  admin: Admin,
  topics: readonly string[],
  preparation: TopicPreparation,
): Promise<string | undefined> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return undefined;
  // Not waiting for leaders here: kafkajs gives up on the "unknown topic" answers a fresh
  // cluster gives; leaders are awaited broker by broker afterwards.
  await admin.createTopics({
    waitForLeaders: false,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: preparation.numPartitions ?? 3,
      replicationFactor: preparation.replicationFactor,
      configEntries: [
        { name: 'min.insync.replicas', value: String(preparation.minInsyncReplicas) },
        ...Object.entries(TOPIC_CONFIG[topic as Topic] ?? {}).map(([name, value]) => ({
          name,
          value,
        })),
      ],
    })),
  });
  return `created ${missing.length} topic(s); checking they all exist`;
}

async function leaderProblems(
  admin: Admin,
  topics: readonly string[],
  preparation: TopicPreparation | undefined,
): Promise<string[]> {
  const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
  const problems: string[] = [];
  for (const topic of topics) {
    const found = described.find((candidate) => candidate.name === topic);
    if (!found || found.partitions.length === 0) {
      problems.push(`${topic} has no partitions yet`);
      continue;
    }
    for (const partition of found.partitions) {
      const where = `${topic}/${partition.partitionId}`;
      if (preparation && partition.replicas.length < preparation.replicationFactor) {
        throw new TopicMismatchError(
          `${where} has ${partition.replicas.length} replica(s), ${preparation.replicationFactor} configured: ` +
            'the topic was created with other settings (e.g. auto-created before the run); ' +
            'delete it or start from clean brokers (deploy/local/down.sh --cluster --purge)',
        );
      }
      if (partition.leader < 0) problems.push(`${where} has no leader`);
      else if (preparation && partition.isr.length < preparation.minInsyncReplicas) {
        problems.push(`${where} has ${partition.isr.length} in-sync replica(s)`);
      }
    }
  }
  return problems;
}

function firstProblem(problems: readonly string[]): string | undefined {
  if (problems.length === 0) return undefined;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${problems[0] ?? ''}${more}`;
}

async function withAdmin<T>(
  brokers: readonly string[],
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  const kafka = new Kafka({
    clientId: 'topic-readiness',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 1 },
    connectionTimeout: 3_000,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
