import { type DynamicModule } from '@nestjs/common';

import { ConfigError } from '../config/load-config';
import { type DomainErrorMapping } from '../errors/domain-error';

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
  http?: Pick<HttpAppOptions, 'jsonBodyLimit' | 'rawBody' | 'urlencoded'>;
}

/**
 * Every service's main(): validate configuration, start the app, and on failure exit 1
 * with a readable reason — configuration problems printed plainly (they name the
 * variables, never the values) so an operator sees them first.
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
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    process.exit(1);
  });
}
