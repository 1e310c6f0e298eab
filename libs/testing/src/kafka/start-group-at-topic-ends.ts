import { type Admin, type Consumer, Kafka, logLevel } from 'kafkajs';

import { fetchTopicEnds } from './fetch-topic-ends';

/**
 * How long the offset-setting consumer's fetches wait. Its partitions are paused, so each fetch
 * cycle waits this long for nothing; kafkajs' `admin.setOffsets` uses the 5 s default for every
 * topic, which made a stack start spend ~2 minutes here.
 */
const FETCH_WAIT_MS = 50;

/**
 * The broker is shared with earlier runs and other suites. Committing a fresh group's
 * offsets at the current end of its topics makes a consumer see only what the test
 * produces, without the race of a "latest" reset that resolves after the first test event.
 * Missing topics (and their `.dlq`) are created first so there is an end to point at.
 *
 * One consumer joins the group once for all its topics and seeks every partition to its end
 * (as kafkajs' `admin.setOffsets` does for one topic at a time), then leaves.
 */
export async function startGroupAtTopicEnds(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<void> {
  if (topics.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.flatMap((topic) => [
        { topic, numPartitions: 3 },
        { topic: `${topic}.dlq`, numPartitions: 3 },
      ]),
    });
  }
  const ends = await Promise.all(
    topics.map(async (topic) => ({ topic, partitions: await fetchTopicEnds(admin, topic) })),
  );
  // Through the admin client, which retries a coordinator still loading the group ("not the correct
  // coordinator"); the consumer's own describeGroup gave up on it at once (seen once in CI).
  // (One answer per group asked for; an unknown group is "Dead".)
  const [{ state }] = (await admin.describeGroups([groupId])).groups;
  if (state !== 'Empty' && state !== 'Dead') {
    throw new Error(`consumer group ${groupId} must have no running members, it is ${state}`);
  }
  const { brokers } = await admin.describeCluster();
  const consumer = new Kafka({
    clientId: `${groupId}-offsets`,
    brokers: brokers.map(({ host, port }) => `${host}:${port}`),
    logLevel: logLevel.NOTHING,
  }).consumer({ groupId, maxWaitTimeInMs: FETCH_WAIT_MS });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await seekToEndsAndLeave(consumer, ends);
  } finally {
    await consumer.disconnect();
  }
}

/** Seeks (and so commits) every partition once the group is joined; resolves after the first fetch. */
function seekToEndsAndLeave(
  consumer: Consumer,
  ends: readonly { topic: string; partitions: readonly { partition: number; high: string }[] }[],
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const removeListener = consumer.on(consumer.events.FETCH, () => {
      removeListener();
      consumer.stop().then(resolve, reject);
    });
    consumer.run({ eachBatchAutoResolve: false, eachBatch: () => Promise.resolve() }).catch(reject);
    // Nothing is consumed: every partition stays paused while its offset is set.
    consumer.pause(ends.map(({ topic }) => ({ topic })));
    for (const { topic, partitions } of ends) {
      for (const { partition, high } of partitions)
        consumer.seek({ topic, partition, offset: high });
    }
  });
}
