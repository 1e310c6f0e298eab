/**
 * Points each integration and e2e jest worker at a Kafka broker of its own (see
 * scripts/e2e-worker-brokers.ts): suites consume the product's real topic names, so two suites
 * sharing a broker would consume each other's events. Runs before any module of the test file
 * reads KAFKA_BROKERS.
 */
export {};

const workerBrokers = process.env.E2E_WORKER_BROKERS?.split(';').filter(Boolean) ?? [];
const worker = Number(process.env.JEST_WORKER_ID ?? '1');

if (workerBrokers.length > 0) {
  const brokers = workerBrokers.at(worker - 1);
  if (brokers === undefined) {
    throw new Error(
      `jest worker ${worker} has no broker: E2E_WORKER_BROKERS lists ${workerBrokers.length}`,
    );
  }
  process.env.KAFKA_BROKERS = brokers;
} else if (worker > 1) {
  throw new Error(
    'integration and e2e suites in parallel need a Kafka broker each: run them with --runInBand, or start ' +
      'scripts/e2e-worker-brokers.ts and set E2E_WORKER_BROKERS (scripts/test.sh does both)',
  );
}
