import { type DynamicModule } from '@nestjs/common';

import { ConfigError } from '../config/load-config';
import { runMigrateCommand } from '../database/migrate-command';
import { type DomainErrorMapping } from '../errors/domain-error';
import { type ServiceDatabase } from '../service/service-infrastructure.module';

import { createHttpApp, type HttpAppOptions } from './create-http-app';

interface RunnableConfig {
  HTTP_PORT: number;
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface HttpServiceDefinition<C extends RunnableConfig> {
  serviceName: string;
  loadConfig: () => C;
  appModule: (config: C) => DynamicModule;
  errors: DomainErrorMapping;
  /** The service's database, for `main.js migrate` (the migrate step). */
  database: ServiceDatabase;
  http?: Pick<HttpAppOptions, 'jsonBodyLimit' | 'rawBody' | 'urlencoded'>;
}

/**
 * Every service's main(): validate configuration, start the app, and on failure exit 1
 * with a readable reason — configuration problems printed plainly (they name the
 * variables, never the values) so an operator sees them first. `main.js migrate` runs the
 * migrate step instead and exits.
 */
export function runHttpService<C extends RunnableConfig>(
  definition: HttpServiceDefinition<C>,
): void {
  const start = async (): Promise<void> => {
    const config = definition.loadConfig();
    await createHttpApp(definition.appModule(config), {
      serviceName: definition.serviceName,
      port: config.HTTP_PORT,
      logLevel: config.LOG_LEVEL,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      errors: definition.errors,
      ...definition.http,
    });
  };
  const run =
    process.argv[2] === 'migrate'
      ? async () => {
          await runMigrateCommand(definition.serviceName, definition.database);
          process.exit(0);
        }
      : start;
  run().catch((error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    process.exit(1);
  });
}
