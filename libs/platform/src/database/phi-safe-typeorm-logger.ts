import { Logger as NestLogger } from '@nestjs/common';
import { type Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's own loggers print query parameters on failure, and parameters are patient
 * data (names, phone numbers, appointment times). This one keeps the SQL text and the
 * driver's error code and drops the parameters and the message (which can quote a value).
 */
export class PhiSafeTypeOrmLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('TypeORM');

  logQuery(): void {
    // Successful queries are not logged.
  }

  logQueryError(error: string | Error, query: string): void {
    const code = typeof error === 'object' ? (error as Error & { code?: unknown }).code : undefined;
    this.logger.error(
      { query: truncate(query), code: typeof code === 'string' ? code : undefined },
      'query failed',
    );
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ query: truncate(query), durationMs: time }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug(String(message));
  }
}

function truncate(query: string): string {
  return query.length > 500 ? `${query.slice(0, 500)}…` : query;
}
