import { type Admin } from 'kafkajs';

import { eventually } from '../process/service-process';

type TopicOffsets = Awaited<ReturnType<Admin['fetchTopicOffsets']>>;

/**
 * `admin.fetchTopicOffsets` that waits out the broker's retriable answers. Right after a
 * topic is created, kafkajs' metadata may already name a leader that has not yet taken the
 * partition over, and the broker answers NOT_LEADER_OR_FOLLOWER (or LEADER_NOT_AVAILABLE)
 * for a moment; kafkajs gives up on those after its own short retries.
 */
export async function fetchTopicEnds(
  admin: Admin,
  topic: string,
  timeoutMs = 30_000,
): Promise<TopicOffsets> {
  let lastError: unknown;
  try {
    return await eventually(
      async () => {
        try {
          return await admin.fetchTopicOffsets(topic);
        } catch (error) {
          if (!isRetriableBrokerAnswer(error)) throw error;
          lastError = error;
          return undefined;
        }
      },
      timeoutMs,
      `a leader answering offsets for ${topic}`,
      250,
    );
  } catch (error) {
    throw lastError === undefined ? error : new Error(String(error), { cause: lastError });
  }
}

function isRetriableBrokerAnswer(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { retriable, cause } = error as { retriable?: unknown; cause?: unknown };
  return retriable === true || (cause !== undefined && isRetriableBrokerAnswer(cause));
}
