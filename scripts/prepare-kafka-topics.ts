/**
 * Creates every contract topic and its `.dlq` on KAFKA_BROKERS with KAFKA_TOPIC_REPLICATION_FACTOR
 * and KAFKA_TOPIC_MIN_INSYNC_REPLICAS, and waits until every partition has a leader in every
 * broker's metadata (see prepareTopics in libs/testing). scripts/test-e2e-cluster.sh runs it
 * after the 3-node cluster forms, before any service starts or any test produces.
 *
 *   KAFKA_BROKERS=127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094 \
 *   KAFKA_TOPIC_REPLICATION_FACTOR=3 KAFKA_TOPIC_MIN_INSYNC_REPLICAS=2 \
 *   node -r @swc-node/register scripts/prepare-kafka-topics.ts
 */
import { ALL_TOPICS, dlqTopicOf } from '@caredispatch/contracts';
import { prepareTopics, topicPreparationFromEnvironment } from '@caredispatch/testing';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const preparation = topicPreparationFromEnvironment();
  const topics = ALL_TOPICS.flatMap((topic) => [topic, dlqTopicOf(topic)]);
  const startedAt = Date.now();
  await prepareTopics(brokers, topics, preparation);
  process.stdout.write(
    `${topics.length} topics ready on ${brokers.join(',')} (replication factor ${preparation.replicationFactor}, ` +
      `min.insync.replicas ${preparation.minInsyncReplicas}; every partition led) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`,
  );
}

main().then(
  // Exit explicitly: kafkajs may keep reconnect timers alive.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `prepare-kafka-topics: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
