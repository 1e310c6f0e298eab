import { z } from 'zod';

import { authConfigShape } from '@caredispatch/auth';

import { type DatabaseTimeouts } from '../database/data-source-options';

import { Secret } from './secret';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** "true"/"false" from the environment; anything else is a configuration error. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false'], { message: 'must be "true" or "false"' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true');

/** A comma-separated list of host:port pairs. */
export const kafkaBrokersSchema = z
  .string({ required_error: 'is required (comma-separated host:port list)' })
  .min(1)
  .transform((value) => value.split(',').map((broker) => broker.trim()))
  .refine((brokers) => brokers.every((broker) => /^[\w.-]+:\d{1,5}$/.test(broker)), {
    message: 'must be a comma-separated list of host:port',
  });

/** A secret: the URL usually carries the database password. */
export const postgresUrlSchema = z
  .string({ required_error: 'is required (postgres://user:password@host:port/database)' })
  .url('must be a URL')
  .refine((url) => /^postgres(ql)?:\/\//.test(url), { message: 'must be a postgres:// URL' })
  .transform((url) => new Secret(url));

/** Variables every CareDispatch service reads. */
export const commonConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  DATABASE_URL: postgresUrlSchema,
  /**
   * The owner role's URL, for running migrations (then granting the runtime role). Unset in a
   * production service: its migrate step (Helm Job, compose service) has it instead.
   */
  DATABASE_MIGRATION_URL: postgresUrlSchema.optional(),
  /** The role granted privileges by the migrate step (default: DATABASE_URL's user). */
  DATABASE_RUNTIME_ROLE: z.string().min(1).max(63).optional(),
  DATABASE_POOL_SIZE: positiveInt(10),
  KAFKA_BROKERS: kafkaBrokersSchema,
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url('must be a URL').optional(),
  /**
   * The outbox relay can run in this process (default) or be switched off here and run in a
   * dedicated replica; rows written meanwhile wait in the outbox, nothing is lost.
   */
  OUTBOX_RELAY_ENABLED: booleanFlag(true),
  OUTBOX_RELAY_POLL_INTERVAL_MS: positiveInt(1_000),
  /** Non-transient publish failures (too large, topic denied) before an outbox row is parked. */
  OUTBOX_MAX_ROW_FAILURES: positiveInt(5),
  /** Hard deadline of one publish round; must stay well below DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS. */
  OUTBOX_SEND_TIMEOUT_MS: positiveInt(15_000),
  /** kafkajs retries inside one publish (bounded; the relay retries the batch later with backoff). */
  /** Replicas per topic (and .dlq) created at start-up: 1 on one broker, 3 on a cluster. */
  KAFKA_TOPIC_REPLICATION_FACTOR: positiveInt(1),
  /** `min.insync.replicas` of those topics: 1 on one broker, 2 on a 3-broker cluster. */
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: positiveInt(1),
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInt(30_000),
  DATABASE_LOCK_TIMEOUT_MS: positiveInt(10_000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: positiveInt(60_000),
  /** Published outbox rows are deleted after this many hours (they hold full payloads). */
  OUTBOX_RETENTION_HOURS: positiveInt(72),
  /**
   * Processed-event ids are kept this long: at least the topics' retention (the longest a
   * redelivery can come), so a duplicate is always recognised.
   */
  INBOX_RETENTION_HOURS: positiveInt(168),
  /** How often the retention jobs run, and rows deleted per batch. */
  RETENTION_INTERVAL_MS: positiveInt(900_000),
  RETENTION_BATCH_SIZE: positiveInt(1_000),
  /**
   * Attempts per consumed message that fails PERMANENTLY (undecodable, rejected by a domain
   * rule) before it goes to `<topic>.dlq`. Transient failures never dead-letter.
   */
  KAFKA_CONSUMER_MAX_ATTEMPTS: positiveInt(5),
  KAFKA_CONSUMER_RETRY_BASE_MS: positiveInt(200),
  KAFKA_CONSUMER_RETRY_MAX_MS: positiveInt(5_000),
  /** Backoff cap while a partition waits out a transient failure (database or broker down). */
  KAFKA_CONSUMER_TRANSIENT_RETRY_MAX_MS: positiveInt(10_000),
  /** OpenID Connect access tokens and per-tenant rate limits (libs/auth). */
  ...authConfigShape,
} as const;

/** The consumer retry policy from the common variables (libs/kafka's RetryPolicy shape). */
export function consumerRetryFrom(config: {
  KAFKA_CONSUMER_MAX_ATTEMPTS: number;
  KAFKA_CONSUMER_RETRY_BASE_MS: number;
  KAFKA_CONSUMER_RETRY_MAX_MS: number;
  KAFKA_CONSUMER_TRANSIENT_RETRY_MAX_MS: number;
}): { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; transientMaxDelayMs: number } {
  return {
    maxAttempts: config.KAFKA_CONSUMER_MAX_ATTEMPTS,
    baseDelayMs: config.KAFKA_CONSUMER_RETRY_BASE_MS,
    maxDelayMs: config.KAFKA_CONSUMER_RETRY_MAX_MS,
    transientMaxDelayMs: config.KAFKA_CONSUMER_TRANSIENT_RETRY_MAX_MS,
  };
}

/** PostgreSQL session timeouts from the common variables (libs/platform's DatabaseTimeouts). */
export function databaseTimeoutsFrom(config: {
  DATABASE_CONNECT_TIMEOUT_MS: number;
  DATABASE_STATEMENT_TIMEOUT_MS: number;
  DATABASE_LOCK_TIMEOUT_MS: number;
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: number;
}): DatabaseTimeouts {
  return {
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}

/** The role the service runs as: DATABASE_RUNTIME_ROLE, else DATABASE_URL's user. */
export function runtimeRoleOf(config: {
  DATABASE_RUNTIME_ROLE?: string;
  DATABASE_URL?: Secret;
}): string | undefined {
  if (config.DATABASE_RUNTIME_ROLE) return config.DATABASE_RUNTIME_ROLE;
  const user = config.DATABASE_URL ? new URL(config.DATABASE_URL.reveal()).username : '';
  return user === '' ? undefined : decodeURIComponent(user);
}

export const commonConfigSchema = z.object(commonConfigShape);
export type CommonConfig = z.output<typeof commonConfigSchema>;
