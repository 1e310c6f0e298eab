/**
 * The two answers the consumer runtime needs about a handler failure (the Kafka side of the
 * "a port names its failure kinds" rule in STYLE.md):
 * - `transient`: the same message will succeed later (database or broker unreachable, a
 *   serialization failure, a lock or statement timeout). Never dead-lettered: the partition
 *   waits, retrying with capped backoff, and readiness says why.
 * - `permanent`: the same message fails the same way every time (undecodable, invalid against
 *   its contract, rejected by a domain rule). Dead-lettered after bounded attempts.
 * Anything not recognised is transient: waiting visibly is recoverable, a lost booking is not.
 */
export type FailureClass = 'transient' | 'permanent';

export interface FailureDiagnosis {
  readonly failureClass: FailureClass;
  /** Which rule decided, e.g. `sqlstate:57P01`, `marked`, `unknown` — ids only, safe for logs. */
  readonly rule: string;
}

/**
 * A handler throws this (or any error carrying `failureClass: 'permanent'`, e.g. a
 * DomainError) to say the event can never be applied: it goes to `<topic>.dlq` after the
 * bounded attempts. `code` is logged and written to the dead letter's headers; the message
 * is not, so it may describe the problem but must still hold no PHI.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
  readonly failureClass = 'permanent' as const;

  constructor(
    readonly code: string,
    message: string = code,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Marks any error (e.g. a domain rejection) as permanent without changing its type. */
export function markPermanent<E extends Error>(
  error: E,
): E & { readonly failureClass: 'permanent' } {
  return Object.assign(error, { failureClass: 'permanent' as const });
}

/** Errors that are deterministic by construction (contracts' decode and validation failures). */
const PERMANENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'EventDecodeError',
  'EventValidationError',
]);

/** SQLSTATEs that mean "try again later" (PostgreSQL Appendix A). */
const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '55000', // object_not_in_prerequisite_state: "database is not currently accepting connections"
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown (backend terminated)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, failover)
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
]);
/** Whole SQLSTATE classes: 08 connection exception, 53 insufficient resources, 58 system error. */
const TRANSIENT_SQLSTATE_CLASSES: ReadonlySet<string> = new Set(['08', '53', '58']);
/**
 * 22 data exception (e.g. 22P05: U+0000 in text) fails identically on every attempt.
 * Of class 23 only NOT NULL and CHECK violations are deterministic: a unique or foreign-key
 * violation can be a race with a concurrent writer or an event that arrived early.
 */
const PERMANENT_SQLSTATES: ReadonlySet<string> = new Set(['23502', '23514']);
const PERMANENT_SQLSTATE_CLASSES: ReadonlySet<string> = new Set(['22']);

const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres and pg-pool report these without a code. Matched, never logged. */
const TRANSIENT_PG_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Query read timeout/,
];

const MAX_CAUSE_DEPTH = 6;

/** The failure class of a handler error; see {@link diagnoseFailure} for which rule decided. */
export function classifyFailure(error: unknown): FailureClass {
  return diagnoseFailure(error).failureClass;
}

/**
 * Walks the error, its `cause`, TypeORM's `driverError` and AggregateError's `errors`: the
 * outermost explicit marker wins, then the first recognised code; otherwise `unknown`
 * (transient).
 */
export function diagnoseFailure(error: unknown): FailureDiagnosis {
  for (const candidate of causeChain(error)) {
    const marked = candidate['failureClass'];
    if (marked === 'permanent' || marked === 'transient') {
      return { failureClass: marked, rule: 'marked' };
    }
  }
  for (const candidate of causeChain(error)) {
    const diagnosis = recognise(candidate);
    if (diagnosis) return diagnosis;
  }
  return { failureClass: 'transient', rule: 'unknown' };
}

function recognise(error: Readonly<Record<string, unknown>>): FailureDiagnosis | undefined {
  const name = typeof error['name'] === 'string' ? error['name'] : '';
  if (PERMANENT_ERROR_NAMES.has(name)) return { failureClass: 'permanent', rule: name };
  const code = error['code'];
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const sqlClass = code.slice(0, 2);
      if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.has(sqlClass)) {
        return { failureClass: 'transient', rule: `sqlstate:${code}` };
      }
      if (PERMANENT_SQLSTATES.has(code) || PERMANENT_SQLSTATE_CLASSES.has(sqlClass)) {
        return { failureClass: 'permanent', rule: `sqlstate:${code}` };
      }
    }
    if (TRANSIENT_NETWORK_CODES.has(code)) return { failureClass: 'transient', rule: code };
  }
  // Every kafkajs failure a handler can see is about reaching the cluster, not the event.
  if (name.startsWith('KafkaJS')) return { failureClass: 'transient', rule: name };
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  if (TRANSIENT_PG_MESSAGES.some((pattern) => pattern.test(message))) {
    return { failureClass: 'transient', rule: 'pg-connection' };
  }
  return undefined;
}

function* causeChain(error: unknown): Generator<Readonly<Record<string, unknown>>> {
  const pending: { value: unknown; depth: number }[] = [{ value: error, depth: 0 }];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const { value, depth } = pending.shift() ?? { value: undefined, depth: 0 };
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const record = value as Readonly<Record<string, unknown>>;
    yield record;
    if (depth >= MAX_CAUSE_DEPTH) continue;
    for (const next of [record['cause'], record['driverError'], record['originalError']]) {
      pending.push({ value: next, depth: depth + 1 });
    }
    const nested = record['errors'];
    if (Array.isArray(nested)) {
      for (const next of nested as unknown[]) pending.push({ value: next, depth: depth + 1 });
    }
  }
}
