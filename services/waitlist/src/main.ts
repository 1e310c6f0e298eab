import './tracing';
import 'reflect-metadata';

import { ConfigError, createHttpApp, DomainError } from '@caredispatch/platform';

import { AppModule } from './app.module';
import { loadWaitlistConfig } from './config';

async function main(): Promise<void> {
  const config = loadWaitlistConfig();
  await createHttpApp(AppModule.forRoot(config), {
    serviceName: 'waitlist',
    port: config.HTTP_PORT,
    logLevel: config.LOG_LEVEL,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    toHttpStatus: (_error: DomainError) => 500,
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
