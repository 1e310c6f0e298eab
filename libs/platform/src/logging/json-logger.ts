import { type LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

import { type SerializedError, serializeError } from './error-serializer';
import { redactLinkTokens } from './link-token-paths';

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

const MESSAGE_KEY = 'message';

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
    messageKey: MESSAGE_KEY,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: withoutLinkTokens },
    // A link page's path carries its credential: the message and every string field lose it.
    hooks: {
      logMethod(args, method) {
        method.apply(this, safeLogArguments(args) as Parameters<typeof method>);
      },
    },
    redact: { paths: redactPaths, censor: '[REDACTED]' },
    // Errors logged under either name go through the allowlist, never pino's field copy.
    serializers: { err: serializeError, error: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The message without link tokens. Without one, pino would take an error's own message as is
 * (before any serializer), so it gets the serializer's safe message instead.
 */
function safeLogArguments(args: unknown[]): unknown[] {
  const safe = args.map((arg) => (typeof arg === 'string' ? redactLinkTokens(arg) : arg));
  const [first, message] = safe;
  const error = first instanceof Error ? first : errorField(first);
  if (message !== undefined || !error) return safe;
  return [first, (serializeError(error) as SerializedError).message, ...safe.slice(2)];
}

/** pino's own rule: an `err` takes the place of a message only when the fields have none. */
function errorField(fields: unknown): Error | undefined {
  if (!isPlainObject(fields) || fields[MESSAGE_KEY] !== undefined) return undefined;
  return fields.err instanceof Error ? fields.err : undefined;
}

const MAX_FIELD_DEPTH = 3;

/** String fields (a logged `url`, `path`, `stack`), also in nested plain objects, without link tokens. */
function withoutLinkTokens(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') safe[key] = redactLinkTokens(value);
    else if (depth < MAX_FIELD_DEPTH && isPlainObject(value)) {
      safe[key] = withoutLinkTokens(value, depth + 1);
    } else safe[key] = value;
  }
  return safe;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
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
