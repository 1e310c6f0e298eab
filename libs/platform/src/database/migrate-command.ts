import { Logger } from '@nestjs/common';
import { z } from 'zod';

import { commonConfigShape, databaseTimeoutsFrom, runtimeRoleOf } from '../config/common-schema';
import { loadConfig } from '../config/load-config';
import { serviceSchemaOf, type ServiceDatabase } from '../service/service-infrastructure.module';

import { migrateDatabase } from './migrate-database';
import { readWritePrivileges } from './runtime-privileges';

/** What `main.js migrate` reads: the owner's URL and whom to grant, nothing of the service's own. */
const migrateConfigSchema = z
  .object({
    DATABASE_MIGRATION_URL: commonConfigShape.DATABASE_URL,
    DATABASE_URL: commonConfigShape.DATABASE_URL.optional(),
    DATABASE_RUNTIME_ROLE: commonConfigShape.DATABASE_RUNTIME_ROLE,
    DATABASE_CONNECT_TIMEOUT_MS: commonConfigShape.DATABASE_CONNECT_TIMEOUT_MS,
    DATABASE_STATEMENT_TIMEOUT_MS: commonConfigShape.DATABASE_STATEMENT_TIMEOUT_MS,
    DATABASE_LOCK_TIMEOUT_MS: commonConfigShape.DATABASE_LOCK_TIMEOUT_MS,
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS:
      commonConfigShape.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  })
  .refine((config) => runtimeRoleOf(config) !== undefined, {
    message: 'is required when DATABASE_URL is unset (the role the service runs as)',
    path: ['DATABASE_RUNTIME_ROLE'],
  });

/**
 * The migrate step (`node main.js migrate`): applies the service's migrations as the owner
 * role and grants the runtime role its privileges, then exits. Helm runs it as a pre-install /
 * pre-upgrade Job and docker-compose as a one-shot service, before the service starts.
 */
export async function runMigrateCommand(
  serviceName: string,
  database: ServiceDatabase,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const config = loadConfig(migrateConfigSchema, env);
  const applied = await migrateDatabase({
    ...serviceSchemaOf(database),
    url: config.DATABASE_MIGRATION_URL.reveal(),
    applicationName: `${serviceName}-migrate`,
    timeouts: databaseTimeoutsFrom(config),
    runtimeRole: runtimeRoleOf(config),
    privileges: database.runtimePrivileges ?? readWritePrivileges,
  });
  new Logger('Migrations').log(
    `${serviceName}: ${applied.length} migration(s) applied, runtime role ${runtimeRoleOf(config)} granted`,
  );
}
