import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { buildDataSourceOptions, type DatabaseSettings } from './data-source-options';
import {
  grantRuntimePrivileges,
  MIGRATIONS_TABLE,
  type RuntimePrivileges,
} from './runtime-privileges';

export interface MigrationSettings extends Omit<DatabaseSettings, 'poolSize'> {
  /** The role the service runs as; granted `privileges` after the migrations. */
  readonly runtimeRole: string | undefined;
  readonly privileges: RuntimePrivileges;
}

/** Serializes concurrent migrate steps (two replicas, a Job and a developer) on one database. */
const MIGRATION_LOCK_KEY = 0x0c0ffee;

/**
 * Runs pending migrations as the owner role (`url`), then grants the runtime role what it
 * needs. The owner connection lives only for this call: the running service never holds it.
 * Returns the names of the migrations applied now.
 */
export async function migrateDatabase(settings: MigrationSettings): Promise<string[]> {
  const logger = new Logger('Migrations');
  const dataSource = new DataSource({
    ...buildDataSourceOptions({ ...settings, poolSize: 1 }),
    migrationsRun: false,
  });
  await dataSource.initialize();
  try {
    // One pooled connection: the session lock and the migrations share it.
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const [{ owner }] = await dataSource.query<[{ owner: string }]>('SELECT current_user AS owner');
    const role = settings.runtimeRole;
    if (role === undefined || role === owner) {
      logger.warn(
        `service and migrations share the role ${owner}: no separate runtime role to grant (development only)`,
      );
    } else {
      await grantRuntimePrivileges(dataSource, role, settings.privileges);
    }
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Raised at start-up when the runtime role finds migrations that were not applied. */
export class SchemaBehindError extends Error {
  constructor(readonly pending: readonly string[]) {
    super(
      `database schema is behind: ${pending.length} migration(s) pending (${pending.slice(0, 3).join(', ')}${
        pending.length > 3 ? ', …' : ''
      }); run the migrate step first (\`node main.js migrate\` with DATABASE_MIGRATION_URL, the Helm migration Job, or the docker-compose migrate service), or set DATABASE_MIGRATION_URL for this process`,
    );
    this.name = SchemaBehindError.name;
  }
}

/** The migrations of `dataSource` not recorded as applied in its database. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const known = dataSource.migrations.map(
    (migration) => migration.name ?? migration.constructor.name,
  );
  let applied: { name: string }[];
  try {
    applied = await dataSource.query<{ name: string }[]>(`SELECT name FROM "${MIGRATIONS_TABLE}"`);
  } catch (error) {
    if ((error as { driverError?: { code?: string } }).driverError?.code === '42P01') return known;
    throw error;
  }
  const done = new Set(applied.map((row) => row.name));
  return known.filter((name) => !done.has(name));
}
