import { createHash } from 'node:crypto';

import { z } from 'zod';

import { canonicalJson, type JsonValue } from './canonical-json';
import { type EventFacets } from './event-references';
import { type ChainLink } from './hash-chain';
import { leafHash } from './merkle-tree';

/** Names the leaf layout; never change what it means — a new layout gets a new name. */
export const AUDIT_LEAF_FORMAT = 'caredispatch.audit-leaf.v1';

/**
 * What the Merkle tree commits to for one audit event. Everything a compliance officer sees
 * of the event, plus the payload only by its SHA-256 (so an export proves the payload without
 * carrying PHI) and the event's hash-chain link (so the tree also pins the chain).
 */
export interface AuditLeaf {
  readonly tenantId: string;
  /** Position in the tenant's log, 1-based; the leaf index is sequence − 1. */
  readonly sequence: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventVersion: number;
  readonly producer: string;
  readonly actor: string;
  readonly patientIds: readonly string[];
  readonly appointmentId: string | null;
  readonly ehrAppointmentId: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly aggregateId: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly payloadSha256: string;
  readonly chainHash: string;
}

export function auditLeafOf(link: ChainLink, facets: EventFacets): AuditLeaf {
  return {
    tenantId: link.tenantId,
    sequence: link.sequence,
    eventId: link.eventId,
    eventType: link.eventType,
    eventVersion: link.eventVersion,
    producer: link.producer,
    actor: facets.actor,
    patientIds: [...facets.patientIds],
    appointmentId: link.appointmentId,
    ehrAppointmentId: link.ehrAppointmentId,
    correlationId: link.correlationId,
    causationId: link.causationId,
    aggregateId: link.aggregateId,
    occurredAt: link.occurredAt.toISOString(),
    recordedAt: link.recordedAt.toISOString(),
    payloadSha256: payloadDigest(link.payload),
    chainHash: link.hash,
  };
}

export function payloadDigest(payload: JsonValue): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

/** The leaf's bytes (the `leaf` of RFC 9162's leaf hash): canonical JSON, UTF-8. */
export function auditLeafBytes(leaf: AuditLeaf): Buffer {
  return Buffer.from(
    canonicalJson({
      format: AUDIT_LEAF_FORMAT,
      tenant_id: leaf.tenantId,
      sequence: leaf.sequence,
      event_id: leaf.eventId,
      event_type: leaf.eventType,
      event_version: leaf.eventVersion,
      producer: leaf.producer,
      actor: leaf.actor,
      patient_ids: [...leaf.patientIds],
      appointment_id: leaf.appointmentId,
      ehr_appointment_id: leaf.ehrAppointmentId,
      correlation_id: leaf.correlationId,
      causation_id: leaf.causationId,
      aggregate_id: leaf.aggregateId,
      occurred_at: leaf.occurredAt,
      recorded_at: leaf.recordedAt,
      payload_sha256: leaf.payloadSha256,
      chain_hash: leaf.chainHash,
    }),
    'utf8',
  );
}

export function auditLeafHash(leaf: AuditLeaf): Buffer {
  return leafHash(auditLeafBytes(leaf));
}

const isoInstant = z.string().datetime({ precision: 3 });
const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

/** Reads leaf bytes back (the offline verifier's side): exactly the format written above. */
const leafBytesSchema = z
  .object({
    format: z.literal(AUDIT_LEAF_FORMAT),
    tenant_id: z.string().min(1),
    sequence: z.string().regex(/^[1-9][0-9]*$/),
    event_id: z.string().min(1),
    event_type: z.string().min(1),
    event_version: z.number().int(),
    producer: z.string(),
    actor: z.string(),
    patient_ids: z.array(z.string()),
    appointment_id: z.string().nullable(),
    ehr_appointment_id: z.string().nullable(),
    correlation_id: z.string(),
    causation_id: z.string().nullable(),
    aggregate_id: z.string(),
    occurred_at: isoInstant,
    recorded_at: isoInstant,
    payload_sha256: hex32,
    chain_hash: hex32,
  })
  .strict();

export function parseAuditLeafBytes(bytes: Buffer): AuditLeaf {
  const parsed = leafBytesSchema.parse(JSON.parse(bytes.toString('utf8')));
  const leaf: AuditLeaf = {
    tenantId: parsed.tenant_id,
    sequence: parsed.sequence,
    eventId: parsed.event_id,
    eventType: parsed.event_type,
    eventVersion: parsed.event_version,
    producer: parsed.producer,
    actor: parsed.actor,
    patientIds: parsed.patient_ids,
    appointmentId: parsed.appointment_id,
    ehrAppointmentId: parsed.ehr_appointment_id,
    correlationId: parsed.correlation_id,
    causationId: parsed.causation_id,
    aggregateId: parsed.aggregate_id,
    occurredAt: parsed.occurred_at,
    recordedAt: parsed.recorded_at,
    payloadSha256: parsed.payload_sha256,
    chainHash: parsed.chain_hash,
  };
  // Only the canonical encoding is a leaf: anything else would hash differently.
  if (!auditLeafBytes(leaf).equals(bytes)) throw new Error('leaf bytes are not canonical JSON');
  return leaf;
}
