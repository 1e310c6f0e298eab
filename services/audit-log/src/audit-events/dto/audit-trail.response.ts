import { type BrokenLink } from '../../audit-chain/hash-chain';

/** One event of a trail. Payloads are left out: they may hold PHI and the trail does not need them. */
export interface AuditTrailEntry {
  sequence: string;
  eventId: string;
  eventType: string;
  topic: string;
  producer: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  recordedAt: string;
  correlationId: string;
  causationId: string | null;
  aggregateId: string;
  traceId: string | null;
}

export interface AuditTrailResponse {
  tenantId: string;
  appointmentId: string;
  /** Causal order: every cause before its effects. */
  events: AuditTrailEntry[];
}

export interface ChainVerificationResponse {
  tenantId: string;
  valid: boolean;
  /** Links verified before the first break (all of them when valid). */
  verifiedEvents: number;
  firstBrokenLink: BrokenLink | null;
}
