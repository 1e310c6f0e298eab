import type { EventEnvelope } from '@caredispatch/contracts';

/**
 * Kafka header names. Headers are read by brokers' tooling, proxies and logs, so they carry
 * ids and trace context only — never PHI (that stays inside the envelope payload).
 */
export const EventHeaders = {
  EventId: 'event-id',
  EventType: 'event-type',
  TenantId: 'tenant-id',
  Traceparent: 'traceparent',
  Tracestate: 'tracestate',
} as const;

export const DlqHeaders = {
  Reason: 'dlq-reason',
  Error: 'dlq-error',
  OriginalTopic: 'dlq-original-topic',
  OriginalPartition: 'dlq-original-partition',
  OriginalOffset: 'dlq-original-offset',
  OriginalTimestamp: 'dlq-original-timestamp',
  Attempts: 'dlq-attempts',
  ConsumerGroup: 'dlq-consumer-group',
  /** Which classification rule called the failure permanent, e.g. `marked`, `sqlstate:22P05`. */
  FailureRule: 'dlq-failure-rule',
} as const;

/** Set by `caredispatch-dlq replay` on a re-published message: `<dlq-topic>/<partition>/<offset>`. */
export const ReplayHeaders = {
  ReplayedFrom: 'dlq-replayed-from',
  ReplayedAt: 'dlq-replayed-at',
} as const;

export function envelopeHeaders(envelope: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = {
    [EventHeaders.EventId]: envelope.eventId,
    [EventHeaders.EventType]: envelope.eventType,
    [EventHeaders.TenantId]: envelope.tenantId,
  };
  if (envelope.traceparent) headers[EventHeaders.Traceparent] = envelope.traceparent;
  if (envelope.tracestate) headers[EventHeaders.Tracestate] = envelope.tracestate;
  return headers;
}

export interface DeadLetter {
  readonly reason: string;
  /** Error class and code only: error messages can quote PHI (e.g. a rejected phone number). */
  readonly error: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly attempts: number;
  readonly consumerGroup: string;
  readonly failureRule: string;
}

export function deadLetterHeaders(letter: DeadLetter): Record<string, string> {
  return {
    [DlqHeaders.Reason]: letter.reason,
    [DlqHeaders.Error]: letter.error,
    [DlqHeaders.OriginalTopic]: letter.topic,
    [DlqHeaders.OriginalPartition]: String(letter.partition),
    [DlqHeaders.OriginalOffset]: letter.offset,
    [DlqHeaders.OriginalTimestamp]: letter.timestamp,
    [DlqHeaders.Attempts]: String(letter.attempts),
    [DlqHeaders.ConsumerGroup]: letter.consumerGroup,
    [DlqHeaders.FailureRule]: letter.failureRule,
  };
}

/** `Name[code]` of an error, safe for headers and logs (no message text, which may hold PHI). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number'
    ? `${error.name}[${String(code)}]`
    : error.name;
}
