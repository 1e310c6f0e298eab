import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last version of each EHR appointment the gateway acted on: the "known" row of the
 * classification state table. Locked FOR UPDATE while a delivery is classified, so two
 * concurrent deliveries of one appointment are serialized and cannot both publish.
 */
@Entity({ name: 'ehr_appointment_state' })
@Check('CHK_ehr_appointment_state_lifecycle', `"lifecycle" IN ('active', 'cancelled')`)
@Check('CHK_ehr_appointment_state_interval', '"end_at" >= "start_at"')
@Check('CHK_ehr_appointment_state_sequence', '"sequence" >= 0')
export class AppointmentStateEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'varchar',
    length: 100,
    primaryKeyConstraintName: 'PK_ehr_appointment_state',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'ehr_appointment_id',
    type: 'varchar',
    length: 64,
    primaryKeyConstraintName: 'PK_ehr_appointment_state',
  })
  ehrAppointmentId!: string;

  /** Order of this state among the appointment's changes; published as the event's sequence. */
  @Column({ name: 'sequence', type: 'integer', default: 0 })
  sequence!: number;

  /** The EHR's `meta.versionId`; null when it sends none. */
  @Column({ name: 'ehr_version', type: 'text', nullable: true })
  ehrVersion!: string | null;

  /** `sha256:<hex>` of the normalized content: de-duplicates redeliveries, never orders. */
  @Column({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  @Column({ type: 'varchar', length: 16 })
  lifecycle!: 'active' | 'cancelled';

  @Column({ name: 'start_at', type: 'timestamptz' })
  startAt!: Date;

  @Column({ name: 'end_at', type: 'timestamptz' })
  endAt!: Date;

  /** The EHR's `meta.lastUpdated`, to recognise deliveries that arrive out of order. */
  @Column({ name: 'source_updated_at', type: 'timestamptz', nullable: true })
  sourceUpdatedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
