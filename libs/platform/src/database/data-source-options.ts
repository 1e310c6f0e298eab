import { type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

import { PhiSafeTypeOrmLogger } from './phi-safe-typeorm-logger';

/** Server-side limits every pooled session gets; 0 disables one (PostgreSQL's meaning). */
export interface DatabaseTimeouts {
  /** How long opening a connection may take before the pool gives up. */
  readonly connectTimeoutMs: number;
  /** A runaway query is cancelled instead of holding a connection and its locks. */
  readonly statementTimeoutMs: number;
  /** Waiting for a row or table lock fails instead of queueing behind a stuck transaction. */
  readonly lockTimeoutMs: number;
  /** A transaction left open by a hung caller is ended, releasing its locks. */
  readonly idleInTransactionTimeoutMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 10_000,
  idleInTransactionTimeoutMs: 60_000,
};

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  migrations: MixedList<Function | string>;
  applicationName: string;
  timeouts?: Partial<DatabaseTimeouts>;
}

/** The libpq `options` startup parameter: per-session settings, applied before any query runs. */
export function sessionOptions(timeouts: DatabaseTimeouts): string {
  return [
    'TimeZone=UTC',
    `statement_timeout=${timeouts.statementTimeoutMs}`,
    `lock_timeout=${timeouts.lockTimeoutMs}`,
    `idle_in_transaction_session_timeout=${timeouts.idleInTransactionTimeoutMs}`,
  ]
    .map((setting) => `-c ${setting}`)
    .join(' ');
}

/**
 * Migrations are the only way the schema changes (never `synchronize`). Every session
 * runs in UTC so timestamptz values are never reinterpreted in a server's local zone, and
 * under the statement, lock and idle-in-transaction timeouts (a migration that needs longer
 * says so with `SET LOCAL statement_timeout = …`).
 */
export function buildDataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...settings.timeouts };
  return {
    type: 'postgres',
    url: settings.url,
    entities: settings.entities,
    migrations: settings.migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    logger: new PhiSafeTypeOrmLogger(),
    maxQueryExecutionTime: 1_000,
    applicationName: settings.applicationName,
    extra: {
      max: settings.poolSize,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      options: sessionOptions(timeouts),
    },
  };
}
