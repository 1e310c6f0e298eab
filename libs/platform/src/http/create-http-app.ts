import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';

import { AllExceptionsFilter, type DomainStatusMapper } from '../errors/all-exceptions.filter';
import { createRootLogger, JsonLogger } from '../logging/json-logger';
import { stopTracing } from '../tracing/start-tracing';

export interface HttpAppOptions {
  serviceName: string;
  port: number;
  logLevel: string;
  shutdownTimeoutMs: number;
  toHttpStatus: DomainStatusMapper;
  /** Largest accepted JSON body; larger bodies get 413 before any handler runs. */
  jsonBodyLimit?: string;
  /** Keeps the raw body on the request for signature verification. */
  rawBody?: boolean;
  /** Extra body parsers, e.g. urlencoded for Twilio callbacks. */
  urlencoded?: boolean;
}

/**
 * Starts a service the same way everywhere: JSON logs, one error format, body limits,
 * graceful shutdown on SIGTERM/SIGINT (consumers drain and the outbox relay flushes in
 * the modules' shutdown hooks) with a hard deadline.
 */
export async function createHttpApp(
  appModule: Type | DynamicModule,
  options: HttpAppOptions,
): Promise<INestApplication> {
  const logger = new JsonLogger(createRootLogger(options.serviceName, options.logLevel));
  // Nest types its options as a class but documents and expects a plain object here.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const app = await NestFactory.create<NestExpressApplication>(appModule, {
    logger,
    bufferLogs: true,
    bodyParser: false,
    rawBody: options.rawBody ?? false,
  });
  app.useBodyParser('json', { limit: options.jsonBodyLimit ?? '1mb' });
  if (options.urlencoded) app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  app.useGlobalFilters(new AllExceptionsFilter(options.toHttpStatus));
  app.disable('x-powered-by');
  installShutdown(app, logger, options.shutdownTimeoutMs);
  await app.listen(options.port, '0.0.0.0');
  logger.log(`${options.serviceName} listening on port ${options.port}`);
  return app;
}

function installShutdown(app: INestApplication, logger: JsonLogger, timeoutMs: number): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(`received ${signal}; shutting down`);
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline exceeded; exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    app
      .close()
      .then(() => stopTracing())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(error instanceof Error ? error : String(error), 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
