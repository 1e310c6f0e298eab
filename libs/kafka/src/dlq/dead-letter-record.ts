import { decodeEnvelope } from '@caredispatch/contracts';

import { DlqHeaders, EventHeaders, ReplayHeaders } from '../headers';

/** Header values as a Kafka client hands them over (one or several values per name). */
export type RawHeaders = Readonly<
  Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>
>;

/** A message read from a `<topic>.dlq`, before interpretation. */
export interface RawDeadLetter {
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  /** Epoch milliseconds as a string, as Kafka reports it. */
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RawHeaders;
}

/** What an operator sees of a dead letter: ids, reason and coordinates — no payload. */
export interface DeadLetterRecord {
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly deadLetteredAt: string;
  readonly reason: string;
  readonly error: string;
  readonly failureRule: string | undefined;
  readonly attempts: number | undefined;
  readonly consumerGroup: string | undefined;
  readonly original: {
    readonly topic: string;
    readonly partition: number | undefined;
    readonly offset: string | undefined;
    readonly timestamp: string | undefined;
  };
  /** Undefined when neither the headers nor the envelope name it (an undecodable message). */
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;
  readonly tenantId: string | undefined;
  /** Set when this message had itself been replayed before it was dead-lettered again. */
  readonly replayedFrom: string | undefined;
}

export function headerValue(headers: RawHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? (value as readonly (Buffer | string)[]).at(0) : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * Reads the dead letter's headers; ids missing from them (older producers) come from the
 * envelope when it decodes. Its payload is never looked at.
 */
export function toDeadLetterRecord(raw: RawDeadLetter): DeadLetterRecord {
  const header = (name: string): string | undefined => headerValue(raw.headers, name);
  const envelope = safeEnvelope(raw.value);
  const attempts = Number(header(DlqHeaders.Attempts));
  const originalPartition = Number(header(DlqHeaders.OriginalPartition));
  return {
    dlqTopic: raw.dlqTopic,
    partition: raw.partition,
    offset: raw.offset,
    deadLetteredAt: new Date(Number(raw.timestamp)).toISOString(),
    reason: header(DlqHeaders.Reason) ?? 'UNKNOWN',
    error: header(DlqHeaders.Error) ?? 'UNKNOWN',
    failureRule: header(DlqHeaders.FailureRule),
    attempts: Number.isInteger(attempts) ? attempts : undefined,
    consumerGroup: header(DlqHeaders.ConsumerGroup),
    original: {
      topic: header(DlqHeaders.OriginalTopic) ?? raw.dlqTopic.replace(/\.dlq$/, ''),
      partition: Number.isInteger(originalPartition) ? originalPartition : undefined,
      offset: header(DlqHeaders.OriginalOffset),
      timestamp: header(DlqHeaders.OriginalTimestamp),
    },
    eventId: header(EventHeaders.EventId) ?? envelope?.eventId,
    eventType: header(EventHeaders.EventType) ?? envelope?.eventType,
    tenantId: header(EventHeaders.TenantId) ?? envelope?.tenantId,
    replayedFrom: header(ReplayHeaders.ReplayedFrom),
  };
}

function safeEnvelope(value: Buffer | null): ReturnType<typeof decodeEnvelope> | undefined {
  try {
    return decodeEnvelope(value);
  } catch {
    return undefined;
  }
}

/** The coordinates of a dead letter, as `replay` and the replay header spell them. */
export function dlqCoordinates(
  record: Pick<DeadLetterRecord, 'dlqTopic' | 'partition' | 'offset'>,
): string {
  return `${record.dlqTopic}/${record.partition}/${record.offset}`;
}

/**
 * Headers of the re-published message: the original ones (ids, trace context) without the
 * dead-letter bookkeeping, plus where and when it was replayed from.
 */
export function replayHeaders(raw: RawDeadLetter, replayedAt: Date): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(raw.headers)) {
    if (name.startsWith('dlq-')) continue;
    const value = headerValue(raw.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  headers[ReplayHeaders.ReplayedFrom] = dlqCoordinates(raw);
  headers[ReplayHeaders.ReplayedAt] = replayedAt.toISOString();
  return headers;
}

export type ReplaySelection =
  | {
      readonly kind: 'one';
      readonly dlqTopic: string;
      readonly partition: number;
      readonly offset: bigint;
    }
  | {
      readonly kind: 'range';
      readonly dlqTopic: string;
      readonly partition: number;
      readonly from: bigint;
      readonly to: bigint;
    }
  | { readonly kind: 'tenant'; readonly tenantId: string };

export function isSelected(record: DeadLetterRecord, selection: ReplaySelection): boolean {
  switch (selection.kind) {
    case 'one':
      return (
        record.dlqTopic === selection.dlqTopic &&
        record.partition === selection.partition &&
        BigInt(record.offset) === selection.offset
      );
    case 'range': {
      const offset = BigInt(record.offset);
      return (
        record.dlqTopic === selection.dlqTopic &&
        record.partition === selection.partition &&
        offset >= selection.from &&
        offset <= selection.to
      );
    }
    case 'tenant':
      return record.tenantId === selection.tenantId;
  }
}
