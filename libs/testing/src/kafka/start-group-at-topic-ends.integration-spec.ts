import { type Admin, type Consumer, type Producer } from 'kafkajs';

import { testKafka, uniqueName } from './kafka-fixtures';
import { startGroupAtTopicEnds } from './start-group-at-topic-ends';

/** Against the real broker: a fresh group set at its topics' ends sees only what comes after. */
describe('startGroupAtTopicEnds', () => {
  const kafka = testKafka();
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  async function produce(topic: string, values: readonly string[]): Promise<void> {
    await producer.send({ topic, messages: values.map((value) => ({ key: value, value })) });
  }

  it('should commit every partition of every topic at its current end, creating missing topics and their .dlq', async () => {
    const topics = [uniqueName('group-ends-a'), uniqueName('group-ends-b')];
    const groupId = uniqueName('group-ends');
    await startGroupAtTopicEnds(admin, uniqueName('creator'), topics);
    for (const topic of topics) await produce(topic, ['k1', 'k2', 'k3', 'k4', 'k5', 'k6']);

    await startGroupAtTopicEnds(admin, groupId, topics);

    const existing = await admin.listTopics();
    expect(existing).toEqual(expect.arrayContaining(topics.flatMap((t) => [t, `${t}.dlq`])));
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      expect(partitions.map(({ partition, offset }) => [partition, offset]).sort()).toEqual(
        ends.map(({ partition, high }) => [partition, high]).sort(),
      );
    }
    const total = committed
      .flatMap(({ partitions }) => partitions)
      .reduce((sum, { offset }) => sum + Number(offset), 0);
    expect(total).toBe(12);
  });

  it('should let a consumer of the group receive only what is produced afterwards', async () => {
    const topic = uniqueName('group-ends-after');
    const groupId = uniqueName('group-ends-after');
    await startGroupAtTopicEnds(admin, uniqueName('creator'), [topic]);
    await produce(topic, ['before-1', 'before-2', 'before-3']);
    await startGroupAtTopicEnds(admin, groupId, [topic]);
    await produce(topic, ['after-1', 'after-2']);

    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            received.push(message.value?.toString() ?? '');
            if (received.length >= 2) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
    // A late "before" message would show up with the two after ones; give it a moment to.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(received.sort()).toEqual(['after-1', 'after-2']);
  });

  it('should refuse a group that has a running member', async () => {
    const topic = uniqueName('group-ends-busy');
    const groupId = uniqueName('group-ends-busy');
    await startGroupAtTopicEnds(admin, uniqueName('creator'), [topic]);
    const member = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    consumers.push(member);
    await member.connect();
    await member.subscribe({ topic });
    const joined = new Promise<void>((resolve) => {
      member.on(member.events.GROUP_JOIN, () => resolve());
    });
    await member.run({ eachMessage: () => Promise.resolve() });
    await joined;

    await expect(startGroupAtTopicEnds(admin, groupId, [topic])).rejects.toThrow(
      /must have no running members/,
    );
  });
});
