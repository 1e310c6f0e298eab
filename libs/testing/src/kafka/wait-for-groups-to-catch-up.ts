import { type Admin } from 'kafkajs';

import { eventually } from '../process/service-process';

import { fetchTopicEnds } from './fetch-topic-ends';

/**
 * Waits until every group has committed, on every partition of every topic, an offset at or
 * past the topic's end as it stood when the call began. Our consumers commit only after a
 * message's effect, so a caught-up group has finished with everything produced before the
 * call: "nothing more will happen" becomes an observable condition instead of a sleep.
 */
export async function waitForGroupsToCatchUp(
  admin: Admin,
  groups: readonly string[],
  topics: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const ends = new Map<string, Map<number, bigint>>();
  for (const topic of topics) {
    const partitions = await fetchTopicEnds(admin, topic);
    ends.set(topic, new Map(partitions.map(({ partition, high }) => [partition, BigInt(high)])));
  }
  for (const groupId of groups) {
    await eventually(
      async () => {
        const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
        const behind = committed.flatMap(({ topic, partitions }) =>
          partitions.filter(({ partition, offset }) => {
            const end = ends.get(topic)?.get(partition) ?? 0n;
            // -1: nothing committed yet, which is caught up only on a partition never written.
            return offset === '-1' ? end > 0n : BigInt(offset) < end;
          }),
        );
        return behind.length === 0 ? true : undefined;
      },
      timeoutMs,
      `consumer group ${groupId} to reach the end of ${topics.join(', ')}`,
      200,
    );
  }
}
