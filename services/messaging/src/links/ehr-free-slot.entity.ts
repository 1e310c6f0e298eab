import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Read model of the EHR's free Slots (FHIR `Slot`, status free) as ehr-gateway publishes them
 * on `ehr.slot.v1`: what the reschedule page offers. A slot that is no longer free is deleted.
 */
@Entity({ name: 'ehr_free_slot' })
@Index('ix_ehr_free_slot_start', ['tenantId', 'startAt'])
export class EhrFreeSlotEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'pk_ehr_free_slot' })
  tenantId!: string;

  /** The EHR's Slot id. */
  @PrimaryColumn({ name: 'slot_id', type: 'text', primaryKeyConstraintName: 'pk_ehr_free_slot' })
  slotId!: string;

  /** scheduling's ids when the Schedule's actor maps to one; '' when it does not. */
  @Column({ name: 'provider_id', type: 'text' })
  providerId!: string;

  @Column({ name: 'location_id', type: 'text' })
  locationId!: string;

  /** '' = any appointment type. */
  @Column({ name: 'appointment_type_code', type: 'text' })
  appointmentTypeCode!: string;

  @Column({ name: 'start_at', type: 'timestamptz' })
  startAt!: Date;

  @Column({ name: 'end_at', type: 'timestamptz' })
  endAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
