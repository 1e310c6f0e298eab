import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { type JsonValue } from '../audit-chain/canonical-json';
import { type ChainLink } from '../audit-chain/hash-chain';

/**
 * One consumed event, append-only: a database trigger rejects UPDATE, DELETE and TRUNCATE,
 * and no code path issues them. The table is partitioned by month on recorded_at; a month
 * leaves only whole, after it is older than the retention (at least six years, HIPAA
 * 45 CFR 164.316(b)(2)) and archived — see services/audit-log/README.md. Uniqueness of the
 * event id and of (tenant, sequence) is held by the leaf written in the same transaction
 * (a partitioned table's unique indexes must include recorded_at).
 */
@Entity({ name: 'audit_event' })
@Check('ck_audit_event_sequence', 'sequence > 0')
@Index('ix_audit_event_event_id', ['eventId'])
@Index('ix_audit_event_tenant_sequence', ['tenantId', 'sequence'])
@Index('ix_audit_event_tenant_appointment', ['tenantId', 'appointmentId'])
@Index('ix_audit_event_tenant_ehr_appointment', ['tenantId', 'ehrAppointmentId'])
@Index('ix_audit_event_tenant_correlation', ['tenantId', 'correlationId'])
export class AuditEventEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'pk_audit_event' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  /** Position in the tenant's hash chain, 1-based; also the recorded order. bigint → string. */
  @Column({ name: 'sequence', type: 'bigint' })
  sequence!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ name: 'event_version', type: 'integer' })
  eventVersion!: number;

  @Column({ name: 'topic', type: 'text' })
  topic!: string;

  @Column({ name: 'partition', type: 'integer' })
  partition!: number;

  /** Kafka offset (int64); bigint → string. */
  @Column({ name: 'offset', type: 'bigint' })
  offset!: string;

  @Column({ name: 'producer', type: 'text' })
  producer!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** The partition key, hence part of the primary key. */
  @PrimaryColumn({
    name: 'recorded_at',
    type: 'timestamptz',
    primaryKeyConstraintName: 'pk_audit_event',
  })
  recordedAt!: Date;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  @Column({ name: 'causation_id', type: 'text', nullable: true })
  causationId!: string | null;

  @Column({ name: 'aggregate_id', type: 'text' })
  aggregateId!: string;

  @Column({ name: 'ehr_appointment_id', type: 'text', nullable: true })
  ehrAppointmentId!: string | null;

  @Column({ name: 'appointment_id', type: 'text', nullable: true })
  appointmentId!: string | null;

  @Column({ name: 'trace_id', type: 'text', nullable: true })
  traceId!: string | null;

  /**
   * The decoded payload (protobuf JSON mapping). May hold PHI: never logged, never listed.
   * Typed `object` because TypeORM's deep query types cannot expand a recursive JSON type;
   * `toChainLink` re-types it where the hash needs it.
   */
  @Column({ name: 'payload', type: 'jsonb' })
  payload!: object;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash!: string;

  @Column({ name: 'hash', type: 'text' })
  hash!: string;
}

/** The hashed view of a stored row. */
export function toChainLink(row: AuditEventEntity): ChainLink {
  return {
    tenantId: row.tenantId,
    sequence: row.sequence,
    eventId: row.eventId,
    eventType: row.eventType,
    eventVersion: row.eventVersion,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    producer: row.producer,
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    correlationId: row.correlationId,
    causationId: row.causationId,
    aggregateId: row.aggregateId,
    ehrAppointmentId: row.ehrAppointmentId,
    appointmentId: row.appointmentId,
    traceId: row.traceId,
    // A jsonb column can only ever hold JSON, so the value read back is a JsonValue.
    payload: row.payload as JsonValue,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
