import { type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

import { PhiSafeTypeOrmLogger } from './phi-safe-typeorm-logger';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  migrations: MixedList<Function | string>;
  applicationName: string;
}

/**
 * Migrations are the only way the schema changes (never `synchronize`). Every session
 * runs in UTC so timestamptz values are never reinterpreted in a server's local zone.
 */
export function buildDataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
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
    extra: { max: settings.poolSize, options: '-c TimeZone=UTC' },
  };
}
