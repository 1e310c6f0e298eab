import './tracing';
import 'reflect-metadata';

import { ConfigError, createHttpApp } from '@caredispatch/platform';

import { AppModule, SERVICE_NAME } from './app.module';
import { loadEhrGatewayConfig } from './config';
import { toHttpStatus } from './ehr-webhook/ehr-webhook.errors';

async function main(): Promise<void> {
  const config = loadEhrGatewayConfig();
  await createHttpApp(AppModule.forRoot(config), {
    serviceName: SERVICE_NAME,
    port: config.HTTP_PORT,
    logLevel: config.LOG_LEVEL,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    toHttpStatus,
  });
}

main().catch((error: unknown) => {
  // Config errors name the variable; print them plainly so an operator sees them first.
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  process.exit(1);
});
