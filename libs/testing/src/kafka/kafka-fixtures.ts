import { randomUUID } from 'node:crypto';

import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';

import type { NewEvent } from '@caredispatch/contracts';

/**
 * Helpers for libs/kafka's *.integration-spec.ts against the real broker and PostgreSQL.
 * They use kafkajs directly, as any client of the broker would: the tests look at what the
 * runtime put on the topics, not through the runtime's own eyes.
 */

export const TEST_BROKERS: string[] = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const PG_ADMIN_URL =
  process.env['TEST_PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function testKafka(clientId = uniqueName('kafka-lib-test')): Kafka {
  return new Kafka({ clientId, brokers: TEST_BROKERS, logLevel: logLevel.NOTHING });
}

export interface TestSchema {
  readonly entities: NonNullable<DataSourceOptions['entities']>;
  readonly migrations: NonNullable<DataSourceOptions['migrations']>;
}

/**
 * A throwaway database per spec file, built by the lib's own migrations (never synchronize),
 * plus a `test_effect` table standing in for a service's state.
 */
export async function createTestDataSource(
  database: string,
  schema: TestSchema,
): Promise<DataSource> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const dataSource = new DataSource({
    type: 'postgres',
    url: url.toString(),
    entities: schema.entities,
    migrations: schema.migrations,
    extra: { max: 5 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.query(
    `CREATE TABLE test_effect (id serial PRIMARY KEY, event_id uuid NOT NULL, aggregate_id text NOT NULL)`,
  );
  return dataSource;
}

export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ReadMessage {
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** Reads `topic` from the beginning with a fresh group until `done(messages)` holds. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  done: (messages: readonly ReadMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        messages.push({ partition, message });
        return Promise.resolve();
      },
    });
    await waitFor(() => done(messages), `messages on ${topic}`, timeoutMs);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

export function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  if (value === undefined) return undefined;
  const first: Buffer | string | undefined = Array.isArray(value) ? value.at(0) : value;
  return first?.toString();
}

const TIME_ZONE = 'America/New_York';

/** Builder for a valid AppointmentBookedV1; `revision` lets tests check ordering. */
export function bookedEvent(
  appointmentId: string,
  revision: number,
  tenantId = 'acme',
): NewEvent<'AppointmentBookedV1'> {
  const start = BigInt(1_741_100_000 + revision * 60);
  return {
    type: 'AppointmentBookedV1',
    tenantId,
    aggregateId: appointmentId,
    payload: {
      appointment: {
        appointmentId,
        ehrAppointmentId: `ehr-${appointmentId}`,
        ehrVersion: String(revision),
        revision,
        start: { seconds: start, nanos: 0 },
        end: { seconds: start + 1_800n, nanos: 0 },
        location: { locationId: 'loc-1', name: 'Main St', timeZone: TIME_ZONE },
        practiceName: 'Acme Family Practice',
        patient: {
          patientId: randomUUID(),
          givenName: 'Ada',
          phoneE164: '+15555550100',
          smsConsent: true,
        },
        provider: { providerId: 'prov-1', displayName: 'Dr. Grace' },
      },
    },
  };
}
