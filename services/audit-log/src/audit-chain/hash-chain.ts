import { createHash } from 'node:crypto';

import { canonicalJson, type JsonValue } from './canonical-json';

/** prev_hash of the first event of every tenant's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Everything about an audit event that the hash covers (all stored columns but the hashes). */
export interface ChainedRecord {
  readonly tenantId: string;
  /** 1-based position in the tenant's chain (a bigint, as a decimal string). */
  readonly sequence: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventVersion: number;
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset (int64) as a decimal string. */
  readonly offset: string;
  readonly producer: string;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly aggregateId: string;
  readonly ehrAppointmentId: string | null;
  readonly appointmentId: string | null;
  readonly traceId: string | null;
  readonly payload: JsonValue;
}

export interface ChainLink extends ChainedRecord {
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * hash = SHA-256(prev_hash ‖ "\n" ‖ canonical JSON of the record), hex. Chaining each hash
 * into the next makes any edit, deletion or insertion in the middle of a tenant's history
 * break every later link; the chain head (kept separately) exposes a truncated tail.
 */
export function chainHash(prevHash: string, record: ChainedRecord): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(canonicalRecord(record)))
    .digest('hex');
}

export function link(prevHash: string, record: ChainedRecord): ChainLink {
  return { ...record, prevHash, hash: chainHash(prevHash, record) };
}

/** Field names are part of the hashed format: never rename one without a new chain format. */
function canonicalRecord(record: ChainedRecord): JsonValue {
  return {
    tenant_id: record.tenantId,
    sequence: record.sequence,
    event_id: record.eventId,
    event_type: record.eventType,
    event_version: record.eventVersion,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    producer: record.producer,
    // Millisecond ISO-8601 UTC: what a JS Date holds, and timestamptz stores it exactly.
    occurred_at: record.occurredAt.toISOString(),
    recorded_at: record.recordedAt.toISOString(),
    correlation_id: record.correlationId,
    causation_id: record.causationId,
    aggregate_id: record.aggregateId,
    ehr_appointment_id: record.ehrAppointmentId,
    appointment_id: record.appointmentId,
    trace_id: record.traceId,
    payload: record.payload,
  };
}

export enum ChainBreak {
  /** A link's own content no longer matches its hash: the row was edited. */
  HashMismatch = 'HASH_MISMATCH',
  /** A link does not point at its predecessor's hash: a row was removed, replaced or forged. */
  PrevHashMismatch = 'PREV_HASH_MISMATCH',
  /** Positions are not 1, 2, 3, …: a row was removed or inserted out of band. */
  SequenceGap = 'SEQUENCE_GAP',
  /** The head disagrees with the last link: the tail was cut off or extended out of band. */
  HeadMismatch = 'HEAD_MISMATCH',
}

export interface BrokenLink {
  readonly reason: ChainBreak;
  /** Position the verifier expected (or, for HEAD_MISMATCH, the head's position). */
  readonly sequence: string;
  readonly eventId: string | null;
}

export interface ChainHead {
  readonly sequence: string;
  readonly lastHash: string;
}

/**
 * Walks one tenant's chain in sequence order, fed in batches so a long history is never
 * held in memory at once. Reports the first broken link only: every later one is suspect.
 */
export class ChainVerifier {
  private expectedSequence: bigint;
  private previousHash: string;
  private checked = 0;

  /**
   * From the genesis link, or after an archived prefix of the log: `after` is the archive's
   * last link, which the first retained event must follow.
   */
  constructor(after?: ChainHead) {
    this.expectedSequence = BigInt(after?.sequence ?? '0') + 1n;
    this.previousHash = after?.lastHash ?? GENESIS_HASH;
  }

  get checkedCount(): number {
    return this.checked;
  }

  /** Returns the break at `current`, or undefined when the link is sound. */
  next(current: ChainLink): BrokenLink | undefined {
    const expected = this.expectedSequence;
    if (BigInt(current.sequence) !== expected) {
      return {
        reason: ChainBreak.SequenceGap,
        sequence: expected.toString(),
        eventId: current.eventId,
      };
    }
    if (current.prevHash !== this.previousHash) {
      return {
        reason: ChainBreak.PrevHashMismatch,
        sequence: current.sequence,
        eventId: current.eventId,
      };
    }
    if (chainHash(current.prevHash, current) !== current.hash) {
      return {
        reason: ChainBreak.HashMismatch,
        sequence: current.sequence,
        eventId: current.eventId,
      };
    }
    this.expectedSequence = expected + 1n;
    this.previousHash = current.hash;
    this.checked += 1;
    return undefined;
  }

  /** After the last link: the head must name exactly the last verified link. */
  finish(head: ChainHead | null): BrokenLink | undefined {
    const lastSequence = (this.expectedSequence - 1n).toString();
    const headSequence = head?.sequence ?? '0';
    const headHash = head?.lastHash ?? GENESIS_HASH;
    if (headSequence !== lastSequence || headHash !== this.previousHash) {
      return { reason: ChainBreak.HeadMismatch, sequence: headSequence, eventId: null };
    }
    return undefined;
  }
}
