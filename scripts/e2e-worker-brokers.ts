/**
 * Single-node Kafka brokers for the integration and e2e tiers' extra jest workers.
 *
 * Every suite consumes the product's real topic names, so two suites on one broker would
 * consume each other's events. Jest worker 1 keeps the shared broker (deploy/local/up.sh);
 * each further worker gets a broker of its own from this script, prepared like the shared one
 * (every contract topic and its `.dlq`), which runs until SIGTERM:
 *
 *   node -r @swc-node/register scripts/e2e-worker-brokers.ts --extra 1 --ready-file F &
 *
 * Once the brokers answer, it writes `E2E_WORKER_BROKERS` (bootstrap lists of workers 1..n,
 * separated by `;`) to F; test/support/worker-broker.setup.ts maps JEST_WORKER_ID onto it.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { ALL_TOPICS, dlqTopicOf } from '@caredispatch/contracts';
import { KafkaTestCluster } from '@caredispatch/testing';

const repoRoot = resolve(__dirname, '..');
const sharedBroker = '127.0.0.1:9092';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      extra: { type: 'string', default: '1' },
      'ready-file': { type: 'string' },
      dir: { type: 'string', default: join(repoRoot, 'tmp', 'e2e-worker-brokers') },
    },
  });
  const extra = Number(values.extra);
  const readyFile = values['ready-file'];
  if (!Number.isInteger(extra) || extra < 1 || extra > 7) {
    throw new Error(`--extra must be an integer from 1 to 7, got ${values.extra}`);
  }
  if (!readyFile) throw new Error('--ready-file is required');

  const brokers = Array.from(
    { length: extra },
    (_, index) =>
      new KafkaTestCluster({
        nodes: 1,
        dir: join(values.dir, `worker-${index + 2}`),
        heapOptions: '-Xms128m -Xmx384m',
      }),
  );
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= Promise.allSettled(brokers.map((broker) => broker.stop())).then(() => {
      process.exit(0);
    }));
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());

  await Promise.all(brokers.map((broker) => broker.start()));
  // Created up front with every partition led: a suite must not meet a topic that is still
  // being auto-created (with leaderless partitions) on its first produce or subscribe.
  const topics = ALL_TOPICS.flatMap((topic) => [topic, dlqTopicOf(topic)]);
  await Promise.all(brokers.map((broker) => broker.createTopics(topics)));
  const lists = [process.env.KAFKA_BROKERS ?? sharedBroker, ...brokers.map((b) => b.brokers)];
  writeFileSync(readyFile, lists.join(';'));
  console.log(
    `e2e worker brokers: ${lists.map((list, i) => `worker ${i + 1} → ${list}`).join(', ')}`,
  );
  // Stays alive (the brokers are children of their launcher, not of this process) until told to stop.
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
