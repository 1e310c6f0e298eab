import { DataSource, type DataSourceOptions } from 'typeorm';

import { ThrowawayDatabase } from './throwaway-database';

export interface MigratedSchema {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  /**
   * The services' own data-source options (`buildDataSourceOptions` from
   * @caredispatch/platform), passed in because platform depends on libs/kafka, whose tests
   * depend on this library.
   */
  buildOptions: (settings: {
    url: string;
    poolSize: number;
    entities: MigratedSchema['entities'];
    migrations: MigratedSchema['migrations'];
    applicationName: string;
  }) => DataSourceOptions;
}

/**
 * Runs `migrations` on a throwaway database with the services' own data-source options,
 * then asks TypeORM what it would still change to match `entities`. An empty list means the
 * hand-written migrations build exactly the schema the entities describe; anything else is
 * drift, returned as the SQL that would fix it.
 */
export async function pendingSchemaChanges(schema: MigratedSchema): Promise<string[]> {
  const database = await ThrowawayDatabase.create('schema_drift');
  const dataSource = new DataSource({
    ...schema.buildOptions({
      url: database.url,
      poolSize: 2,
      entities: schema.entities,
      migrations: schema.migrations,
      applicationName: 'schema-drift-test',
    }),
    logging: ['error'],
  });
  try {
    await dataSource.initialize();
    const pending = await dataSource.driver.createSchemaBuilder().log();
    return pending.upQueries.map((query) => query.query);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  }
}
