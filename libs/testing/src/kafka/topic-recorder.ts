import { randomUUID } from 'node:crypto';

import { type Consumer, Kafka, logLevel } from 'kafkajs';

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

  constructor(private readonly brokers: string[]) {}

  async start(topics: readonly string[], fromBeginning = true): Promise<void> {
    const kafka = new Kafka({
      clientId: 'test-recorder',
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
    });
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

  messages(topic?: string): readonly RecordedMessage[] {
    return topic ? this.received.filter((message) => message.topic === topic) : this.received;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
