import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';

import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { type DomainErrorMapping } from '../errors/domain-error';
import { createRootLogger, JsonLogger } from '../logging/json-logger';
import { stopTracing } from '../tracing/start-tracing';

/** The HTTP wiring every service shares (and in-process test harnesses reuse). */
export interface HttpWiringOptions {
  /** The service's domain errors: `domainErrors(ItsError, itsHttpStatus)`. */
  errors: DomainErrorMapping;
  /** Largest accepted JSON body; larger bodies get 413 before any handler runs. */
  jsonBodyLimit?: string;
  /** Keeps the raw body on the request for signature verification. */
  rawBody?: boolean;
  /** Extra body parsers, e.g. urlencoded for Twilio callbacks. */
  urlencoded?: boolean;
}

export interface HttpAppOptions extends HttpWiringOptions {
  serviceName: string;
  port: number;
  logLevel: string;
  shutdownTimeoutMs: number;
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
  configureHttpApp(app, options);
  installShutdown(app, logger, options.shutdownTimeoutMs);
  await app.listen(options.port, '0.0.0.0');
  logger.log(`${options.serviceName} listening on port ${options.port}`);
  return app;
}

/**
 * Body limits and the one error format. The app must be created with `bodyParser: false`
 * (and `rawBody` when signatures are verified) so these parsers are the only ones.
 */
export function configureHttpApp(app: NestExpressApplication, options: HttpWiringOptions): void {
  app.useBodyParser('json', { limit: options.jsonBodyLimit ?? '1mb' });
  if (options.urlencoded) app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  app.useGlobalFilters(new AllExceptionsFilter(options.errors));
  app.disable('x-powered-by');
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
