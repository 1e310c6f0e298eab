import { type Admin } from 'kafkajs';

import { fetchTopicEnds } from './fetch-topic-ends';

/**
 * The broker is shared with earlier runs and other suites. Committing a fresh group's
 * offsets at the current end of its topics makes a consumer see only what the test
 * produces, without the race of a "latest" reset that resolves after the first test event.
 * Missing topics (and their `.dlq`) are created first so there is an end to point at.
 */
export async function startGroupAtTopicEnds(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<void> {
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
  for (const topic of topics) {
    const ends = await fetchTopicEnds(admin, topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
    });
  }
}
