import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The Merkle leaf of one audit event (RFC 9162 leaf hash of its audit-leaf bytes), written in
 * the transaction that appends the event, plus the facets the compliance query filters on.
 * Append-only (trigger); leaf index = sequence − 1. Unpartitioned and never archived: the
 * leaves of archived months keep every later tree head and proof computable, and its unique
 * event id keeps each event in the log once.
 */
@Entity({ name: 'audit_event_leaf' })
@Check('ck_audit_event_leaf_hash', 'octet_length(leaf_hash) = 32')
@Index('ux_audit_event_leaf_event_id', ['eventId'], { unique: true })
@Index('ix_audit_event_leaf_tenant_actor', ['tenantId', 'actor'])
@Index('ix_audit_event_leaf_patient_ids', ['patientIds'])
export class AuditEventLeafEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_audit_event_leaf',
  })
  tenantId!: string;

  /** bigint → string. */
  @PrimaryColumn({
    name: 'sequence',
    type: 'bigint',
    primaryKeyConstraintName: 'pk_audit_event_leaf',
  })
  sequence!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'leaf_hash', type: 'bytea' })
  leafHash!: Buffer;

  @Column({ name: 'actor', type: 'text' })
  actor!: string;

  @Column({ name: 'patient_ids', type: 'text', array: true })
  patientIds!: string[];
}
