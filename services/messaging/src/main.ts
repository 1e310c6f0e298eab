import './tracing';
import 'reflect-metadata';

import { ConfigError, createHttpApp } from '@caredispatch/platform';

import { AppModule } from './app.module';
import { loadMessagingConfig } from './config';
import { messagingHttpStatus } from './messaging.errors';

async function main(): Promise<void> {
  const config = loadMessagingConfig();
  await createHttpApp(AppModule.forRoot(config), {
    serviceName: 'messaging',
    port: config.HTTP_PORT,
    logLevel: config.LOG_LEVEL,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    toHttpStatus: messagingHttpStatus,
    // Twilio posts status callbacks form-encoded.
    urlencoded: true,
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
