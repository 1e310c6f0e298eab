import { type LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

import { serializeError } from './error-serializer';

/**
 * Field names that may hold patient data. Nothing in CareDispatch should log them; the
 * redaction is a second line of defence for a mistake, not a licence to log payloads.
 */
export const PHI_FIELD_NAMES = [
  'phone',
  'phoneE164',
  'phone_e164',
  'email',
  'givenName',
  'familyName',
  'given_name',
  'family_name',
  'name',
  'body',
  'birthDate',
  'address',
  'patient',
  'payload',
  'authorization',
  'cookie',
] as const;

const redactPaths = PHI_FIELD_NAMES.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

/** `destination` defaults to stdout; tests pass a stream to read the real output. */
export function createRootLogger(
  service: string,
  level: string,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths, censor: '[REDACTED]' },
    // Errors logged under either name go through the allowlist, never pino's field copy.
    serializers: { err: serializeError, error: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Adapts pino to Nest's LoggerService so framework and application logs share one JSON format. */
export class JsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    // Nest passes the context (class name) as the last string argument.
    const context = typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    let text: string | undefined;
    for (const extra of rest) {
      if (extra instanceof Error) fields.err = extra;
      else if (typeof extra === 'string') {
        // `error(message, stack)` is Nest's convention; `log({ ids }, 'text')` is ours.
        if (typeof message === 'string') fields.stack = extra;
        else text = extra;
      } else if (extra && typeof extra === 'object') Object.assign(fields, extra);
    }
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, text ?? message.message);
    } else if (message && typeof message === 'object') {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) }, text);
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
