/**
 * Why a publish failed, in the relay's terms:
 * - `row`: this row (or its topic) can never be accepted as it is — retrying cannot fix it.
 *   It counts towards parking.
 * - `transient`: the broker, network or producer state is at fault (or we cannot tell);
 *   the rows wait and are retried with backoff, never parked.
 */
export type PublishFailure =
  | { readonly kind: 'row'; readonly reason: string }
  | { readonly kind: 'transient'; readonly reason: string };

/**
 * Broker answers that are about the record or its topic, not about the broker's state.
 * Deliberately a short allow-list: an unknown error must never park rows (a parked row needs
 * an operator), so anything else counts as transient.
 */
const ROW_ERROR_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'POLICY_VIOLATION',
]);

interface ErrorLike {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly originalError?: unknown;
  readonly cause?: unknown;
}

/** kafkajs wraps the broker's answer (KafkaJSNonRetriableError → KafkaJSProtocolError). */
function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && chain.length < 8) {
    const link = current as ErrorLike;
    if (chain.includes(link)) break;
    chain.push(link);
    current = link.originalError ?? link.cause;
  }
  return chain;
}

/** Error class names and broker error types only: messages can quote record contents. */
export function describePublishError(error: unknown): string {
  const chain = errorChain(error);
  if (chain.length === 0) return typeof error;
  return chain
    .map((link) => {
      const name = typeof link.name === 'string' ? link.name : 'Error';
      return typeof link.type === 'string' ? `${name}:${link.type}` : name;
    })
    .join(' > ');
}

export function classifyPublishFailure(error: unknown): PublishFailure {
  const reason = describePublishError(error);
  const rowError = errorChain(error).some(
    (link) => typeof link.type === 'string' && ROW_ERROR_TYPES.has(link.type),
  );
  return rowError ? { kind: 'row', reason } : { kind: 'transient', reason };
}
