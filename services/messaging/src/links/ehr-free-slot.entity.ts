import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Read model of the EHR's free Slots (FHIR `Slot`, status free) from the snapshots ehr-gateway
 * publishes on `ehr.slot.v1`: what the reschedule page offers. EHR ids and codes only.
 */
@Entity({ name: 'ehr_free_slot' })
@Index('ix_ehr_free_slot_start', ['tenantId', 'startAt'])
@Index('ix_ehr_free_slot_schedule', ['tenantId', 'ehrScheduleId', 'startAt'])
export class EhrFreeSlotEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'pk_ehr_free_slot' })
  tenantId!: string;

  /** FHIR Slot.id: what a reschedule answer names. */
  @PrimaryColumn({ name: 'slot_id', type: 'text', primaryKeyConstraintName: 'pk_ehr_free_slot' })
  slotId!: string;

  @Column({ name: 'ehr_schedule_id', type: 'text' })
  ehrScheduleId!: string;

  @Column({ name: 'ehr_practitioner_ids', type: 'text', array: true })
  ehrPractitionerIds!: string[];

  @Column({ name: 'ehr_location_ids', type: 'text', array: true })
  ehrLocationIds!: string[];

  /** The slot's own codes, else its schedule's; empty = any appointment type. */
  @Column({ name: 'appointment_type_codes', type: 'text', array: true })
  appointmentTypeCodes!: string[];

  @Column({ name: 'start_at', type: 'timestamptz' })
  startAt!: Date;

  @Column({ name: 'end_at', type: 'timestamptz' })
  endAt!: Date;
}

/** The newest snapshot applied per schedule: an older one arriving late is ignored. */
@Entity({ name: 'ehr_slot_snapshot' })
export class EhrSlotSnapshotEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_ehr_slot_snapshot',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'ehr_schedule_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_ehr_slot_snapshot',
  })
  ehrScheduleId!: string;

  @Column({ name: 'observed_at', type: 'timestamptz' })
  observedAt!: Date;
}
