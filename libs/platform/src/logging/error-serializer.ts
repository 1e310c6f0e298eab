import { redactLinkTokens } from './link-token-paths';
import { stripUrlQueries } from './url-query';

/** What an error becomes in a log line: an allowlist, never the error object's own fields. */
export interface SerializedError {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
  /** SQLSTATE or a library's error code, e.g. `22P02`, `ECONNREFUSED`. */
  readonly code?: string;
  readonly status?: number;
  /** Database object names (never values), when the driver names them. */
  readonly constraint?: string;
  readonly table?: string;
  readonly column?: string;
  readonly cause?: SerializedError;
}

const MAX_CAUSE_DEPTH = 3;

/**
 * pino's default error serializer copies every enumerable field, and TypeORM's
 * QueryFailedError carries `parameters` (an outbox payload: name, phone, address) and
 * `driverError` (with `detail` quoting the offending values). This one keeps the type, the
 * code, database object names and the stack frames; a database message has its quoted
 * values blanked, URLs lose their query strings and link page paths their token.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const fields = error as Error & Record<string, unknown>;
  const driver = isRecord(fields.driverError) ? fields.driverError : fields;
  const code = stringField(driver, 'code') ?? stringField(fields, 'code');
  const isDatabaseError = isSqlState(code) || 'driverError' in fields || 'parameters' in fields;
  const message = safeMessage(error.message, isDatabaseError);
  const status = numberField(fields, 'status') ?? numberField(fields, 'statusCode');
  const cause =
    depth < MAX_CAUSE_DEPTH && fields.cause instanceof Error
      ? (serializeError(fields.cause, depth + 1) as SerializedError)
      : undefined;
  return {
    type: error.name,
    message,
    ...(error.stack ? { stack: safeStack(error.stack, message) } : {}),
    ...(code ? { code } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(isDatabaseError ? databaseNames(driver) : {}),
    ...(cause ? { cause } : {}),
  };
}

function safeMessage(message: string, isDatabaseError: boolean): string {
  // PostgreSQL quotes the offending value: invalid input syntax for type integer: "Maria".
  const withoutValues = isDatabaseError ? message.replace(/"[^"]*"/g, '"…"') : message;
  return redactLinkTokens(stripUrlQueries(withoutValues));
}

/** The first line of a V8 stack repeats the message; only the frames are kept from it. */
function safeStack(stack: string, message: string): string {
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [message, ...frames.map((frame) => redactLinkTokens(stripUrlQueries(frame)))].join('\n');
}

function databaseNames(driver: Readonly<Record<string, unknown>>): Record<string, string> {
  const names: Record<string, string> = {};
  for (const key of ['constraint', 'table', 'column'] as const) {
    const value = stringField(driver, key);
    if (value) names[key] = value;
  }
  return names;
}

function isSqlState(code: string | undefined): boolean {
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

function stringField(record: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberField(record: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' ? value : undefined;
}
