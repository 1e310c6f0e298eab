import { randomUUID } from 'node:crypto';

import { type Kafka, Partitioners } from 'kafkajs';

import {
  type DeadLetterRecord,
  type RawDeadLetter,
  replayHeaders,
  toDeadLetterRecord,
} from './dead-letter-record';
import { waitUntil } from './wait-until';

export interface StoredDeadLetter {
  readonly raw: RawDeadLetter;
  readonly record: DeadLetterRecord;
}

const DLQ_SUFFIX = '.dlq';

/** Reads `.dlq` topics to their current end and re-publishes dead letters to their origin. */
export class DeadLetterStore {
  constructor(
    private readonly kafka: Kafka,
    private readonly readTimeoutMs = 60_000,
  ) {}

  /** `T.dlq` for T or T.dlq; every `.dlq` topic of the cluster without a filter. */
  async dlqTopics(filter?: string): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.endsWith(DLQ_SUFFIX));
      if (filter === undefined) return topics.sort();
      const wanted = filter.endsWith(DLQ_SUFFIX) ? filter : `${filter}${DLQ_SUFFIX}`;
      return topics.filter((topic) => topic === wanted);
    } finally {
      await admin.disconnect();
    }
  }

  /** Every message of `dlqTopic` up to the end offsets seen when the read starts. */
  async read(dlqTopic: string): Promise<StoredDeadLetter[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const groupId = `caredispatch-dlq-${randomUUID()}`;
    try {
      const ends = new Map(
        (await admin.fetchTopicOffsets(dlqTopic))
          .filter(({ high, low }) => BigInt(high) > BigInt(low))
          .map(({ partition, high }) => [partition, BigInt(high)]),
      );
      if (ends.size === 0) return [];
      const read: RawDeadLetter[] = [];
      const reached = new Set<number>();
      const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachMessage: ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return Promise.resolve();
            read.push({
              dlqTopic,
              partition,
              offset: message.offset,
              timestamp: message.timestamp,
              key: message.key,
              value: message.value,
              headers: message.headers ?? {},
            });
            if (BigInt(message.offset) + 1n >= end) reached.add(partition);
            return Promise.resolve();
          },
        });
        await waitUntil(
          () => reached.size === ends.size,
          `the end of ${dlqTopic}`,
          this.readTimeoutMs,
        );
      } finally {
        await consumer.disconnect();
      }
      return read
        .sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)))
        .map((raw) => ({ raw, record: toDeadLetterRecord(raw) }));
    } finally {
      // The read left an empty group behind; it holds no offsets worth keeping.
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    }
  }

  /**
   * Re-publishes each dead letter to its original topic with its key (so the same partition,
   * murmur2 as the Java client) and value; see replayHeaders for the headers.
   */
  async replay(
    letters: readonly StoredDeadLetter[],
    now: () => Date = () => new Date(),
  ): Promise<void> {
    if (letters.length === 0) return;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      for (const { raw, record } of letters) {
        await producer.send({
          topic: record.original.topic,
          messages: [{ key: raw.key, value: raw.value, headers: replayHeaders(raw, now()) }],
        });
      }
    } finally {
      await producer.disconnect();
    }
  }
}
