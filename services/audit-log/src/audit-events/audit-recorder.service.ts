import { randomUUID } from 'node:crypto';

import { toJson } from '@bufbuild/protobuf';
import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { eventDefinitionOf, type EventEnvelope, timestampDate } from '@caredispatch/contracts';
import { PermanentEventError } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { auditLeafHash, auditLeafOf } from '../audit-chain/audit-leaf';
import { type JsonObject } from '../audit-chain/canonical-json';
import {
  appointmentReferencesOf,
  eventFacetsOf,
  traceIdOf,
  type TypedEvent,
} from '../audit-chain/event-references';
import { type ChainHead, GENESIS_HASH, link } from '../audit-chain/hash-chain';

import { minimumNecessaryPayload } from './minimum-necessary-payload';

/** A consumed event with where it was read from. */
export type ConsumedEvent = TypedEvent & {
  readonly envelope: EventEnvelope;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
};

export type RecordOutcome = 'recorded' | 'duplicate';

/** Appends consumed events to their tenant's hash chain. Inserts only: nothing here updates or deletes. */
@Injectable()
export class AuditRecorderService {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async record(manager: EntityManager, consumed: ConsumedEvent): Promise<RecordOutcome> {
    const { envelope } = consumed;
    const tenantId = envelope.tenantId;
    const head = await this.lockChainHead(manager, tenantId);
    const sequence = (BigInt(head.sequence) + 1n).toString();
    const references = appointmentReferencesOf(consumed);
    // Stored and hashed without contact details: a dump of the audit holds no PHI to read.
    const payload = minimumNecessaryPayload(payloadJson(consumed));
    const chained = link(head.lastHash, {
      tenantId,
      sequence,
      eventId: envelope.eventId,
      eventType: envelope.eventType,
      eventVersion: envelope.eventVersion,
      topic: consumed.topic,
      partition: consumed.partition,
      offset: consumed.offset,
      producer: envelope.producer,
      // Validated present by the envelope decoder; stored (and hashed) at millisecond precision.
      occurredAt: envelope.occurredAt ? timestampDate(envelope.occurredAt) : new Date(0),
      recordedAt: this.clock.now(),
      correlationId: envelope.correlationId,
      causationId: envelope.causationId === '' ? null : envelope.causationId,
      aggregateId: envelope.aggregateId,
      ehrAppointmentId: references.ehrAppointmentId,
      appointmentId: references.appointmentId,
      traceId: traceIdOf(envelope.traceparent),
      payload,
    });
    // Behind the tenant's chain lock, so a concurrent duplicate of this tenant's event waits and
    // then conflicts on the leaf's unique event id (audit_event is partitioned and cannot hold
    // that index). The Merkle leaf commits with the event: a tree head never covers an event
    // without one. INSERT only: the head is the newest row, never updated.
    const facets = eventFacetsOf(consumed, envelope.producer);
    const leaf = await manager.query<unknown[]>(
      `INSERT INTO audit_event_leaf (tenant_id, sequence, event_id, leaf_hash, actor, patient_ids)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING sequence`,
      [
        tenantId,
        sequence,
        envelope.eventId,
        auditLeafHash(auditLeafOf(chained, facets)),
        facets.actor,
        facets.patientIds,
      ],
    );
    if (leaf.length === 0) return 'duplicate';
    await manager.query(
      `INSERT INTO audit_event
           (id, tenant_id, sequence, event_id, event_type, event_version, topic, "partition",
            "offset", producer, occurred_at, recorded_at, correlation_id, causation_id,
            aggregate_id, ehr_appointment_id, appointment_id, trace_id, payload, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, $19, $20, $21)`,
      [
        randomUUID(),
        chained.tenantId,
        chained.sequence,
        chained.eventId,
        chained.eventType,
        chained.eventVersion,
        chained.topic,
        chained.partition,
        chained.offset,
        chained.producer,
        chained.occurredAt,
        chained.recordedAt,
        chained.correlationId,
        chained.causationId,
        chained.aggregateId,
        chained.ehrAppointmentId,
        chained.appointmentId,
        chained.traceId,
        JSON.stringify(payload),
        chained.prevHash,
        chained.hash,
      ],
    );
    return 'recorded';
  }

  /**
   * Holds the tenant's chain lock until the transaction ends — one append at a time per
   * tenant, so sequence numbers and prev_hash never fork — and reads the head as the tenant's
   * newest link (SELECT only: the service's role cannot UPDATE anything).
   */
  private async lockChainHead(manager: EntityManager, tenantId: string): Promise<ChainHead> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `audit-chain:${tenantId}`,
    ]);
    return chainHeadOf(manager, tenantId);
  }
}

/** The tenant's newest link (sequence 0 and the genesis hash before the first event). */
export async function chainHeadOf(manager: EntityManager, tenantId: string): Promise<ChainHead> {
  const rows = await manager.query<{ sequence: string; hash: string }[]>(
    `SELECT sequence, hash FROM audit_event WHERE tenant_id = $1 ORDER BY sequence DESC LIMIT 1`,
    [tenantId],
  );
  return rows.length === 0
    ? { sequence: '0', lastHash: GENESIS_HASH }
    : { sequence: rows[0].sequence, lastHash: rows[0].hash };
}

/** The payload in protobuf's canonical JSON mapping (int64 as strings, enums by name). */
function payloadJson(consumed: TypedEvent): JsonObject {
  const json = toJson(eventDefinitionOf(consumed.eventType).schema, consumed.event);
  // A message (never a scalar) maps to a JSON object; anything else is a contracts bug.
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new PermanentEventError(
      'PAYLOAD_NOT_A_JSON_OBJECT',
      `${consumed.eventType} did not map to a JSON object`,
    );
  }
  return json;
}
