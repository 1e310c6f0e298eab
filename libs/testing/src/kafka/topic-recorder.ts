import { randomUUID } from 'node:crypto';

import { type Consumer, Kafka, logLevel } from 'kafkajs';

import { eventually } from '../process/service-process';

import { fetchTopicEnds } from './fetch-topic-ends';

export interface RecordedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Reads topics with a private consumer group (from the beginning by default: joining
 * "at the end" races with messages produced while the group forms). Filter by tenant. */
export class TopicRecorder {
  private consumer: Consumer | undefined;
  private readonly received: RecordedMessage[] = [];
  /** Per `topic/partition`: the offset after the last message received. */
  private readonly positions = new Map<string, bigint>();
  private readonly kafka: Kafka;
  private topics: readonly string[] = [];
  private fromBeginning = true;

  constructor(brokers: string[]) {
    this.kafka = new Kafka({ clientId: 'test-recorder', brokers, logLevel: logLevel.NOTHING });
  }

  async start(topics: readonly string[], fromBeginning = true): Promise<void> {
    this.topics = topics;
    this.fromBeginning = fromBeginning;
    const kafka = this.kafka;
    const admin = kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 3 })) });
    }
    await admin.disconnect();
    this.consumer = kafka.consumer({ groupId: `test-recorder-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...topics], fromBeginning });
    let assigned!: () => void;
    const joined = new Promise<void>((resolve) => (assigned = resolve));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => assigned());
    await this.consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[name] = value.toString();
        }
        this.positions.set(`${topic}/${partition}`, BigInt(message.offset) + 1n);
        this.received.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers,
        });
        return Promise.resolve();
      },
    });
    await joined;
  }

  /**
   * Waits until the recorder has received everything on its topics up to their ends as they
   * stood when the call began, so an absent message is known to be absent, not late.
   */
  async waitUntilCaughtUp(timeoutMs = 60_000): Promise<void> {
    if (!this.fromBeginning)
      throw new Error('only a recorder reading from the beginning knows its end');
    const admin = this.kafka.admin();
    await admin.connect();
    const ends: { key: string; high: bigint }[] = [];
    try {
      for (const topic of this.topics) {
        for (const { partition, high, low } of await fetchTopicEnds(admin, topic)) {
          if (BigInt(high) > BigInt(low))
            ends.push({ key: `${topic}/${partition}`, high: BigInt(high) });
        }
      }
    } finally {
      await admin.disconnect();
    }
    await eventually(
      () =>
        Promise.resolve(
          ends.every(({ key, high }) => (this.positions.get(key) ?? 0n) >= high) ? true : undefined,
        ),
      timeoutMs,
      `the recorder to reach the end of ${this.topics.join(', ')}`,
      100,
    );
  }

  messages(topic?: string): readonly RecordedMessage[] {
    return topic ? this.received.filter((message) => message.topic === topic) : this.received;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
