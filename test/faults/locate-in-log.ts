import { Kafka, logLevel } from 'kafkajs';

import { TopicRecorder } from '@caredispatch/testing';

export interface UnauditedEvent {
  readonly eventId: string;
  readonly topic: string;
  /** Type, topic and when the relay marked it published. */
  readonly description: string;
}

/**
 * Tells the ways an event can miss the audit trail apart: never in the log although its outbox
 * row says published (a producer-side loss), in the log at an offset the audit-log group has
 * already committed past (a consumer-side skip — unless the event has been audited since the
 * settle check: a slow consumer, not a lost event), or still ahead of that offset.
 * `auditedNow` is asked after the committed offsets are read, so "committed past it and still
 * not audited" is a real skip.
 */
export async function locateInLog(
  brokers: string,
  auditGroupId: string,
  events: readonly UnauditedEvent[],
  auditedNow: (eventIds: readonly string[]) => Promise<ReadonlySet<string>>,
): Promise<string[]> {
  if (events.length === 0) return [];
  const topics = [...new Set(events.map((event) => event.topic))];
  const recorder = new TopicRecorder(brokers.split(','));
  const kafka = new Kafka({
    clientId: 'fault-locator',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await recorder.start(topics);
    await recorder.waitUntilCaughtUp();
    await admin.connect();
    const committed = new Map<string, string>();
    for (const { topic, partitions } of await admin.fetchOffsets({
      groupId: auditGroupId,
      topics,
    })) {
      for (const { partition, offset } of partitions)
        committed.set(`${topic}[${partition}]`, offset);
    }
    const lateButAudited = await auditedNow(events.map((event) => event.eventId));
    return events.map((event) => {
      const found = recorder.messages(event.topic).find((message) => {
        const eventId = new Map(Object.entries(message.headers)).get('event-id');
        return eventId?.toLowerCase() === event.eventId;
      });
      if (!found) return `${event.eventId}: NOT in the log (outbox says ${event.description})`;
      const where = `${found.topic}[${found.partition}]`;
      const groupAt = committed.get(where) ?? 'none';
      const past = groupAt !== 'none' && BigInt(groupAt) > BigInt(found.offset);
      const verdict = !past
        ? ''
        : lateButAudited.has(event.eventId)
          ? ' (past it, and audited since the settle check: late, not lost)'
          : ' (past it: consumer-side skip)';
      return `${event.eventId}: in the log at ${where}@${found.offset}; audit-log group committed ${groupAt}${verdict}`;
    });
  } catch (error) {
    return [
      `locating unaudited events failed: ${error instanceof Error ? error.message : String(error)}`,
    ];
  } finally {
    await recorder.stop().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
