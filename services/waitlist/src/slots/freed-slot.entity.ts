import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `booking`: a patient accepted and ehr-gateway is booking them in the EHR. */
export type SlotStatus =
  'offering' | 'booking' | 'filled' | 'filled_by_staff' | 'escalated' | 'expired';
export type EscalationReasonCode =
  'no_eligible_patient' | 'all_declined_or_expired' | 'starts_soon' | 'booking_failed';

/** A time freed by a cancellation or move, and how the waitlist is filling it. */
@Entity({ name: 'freed_slot' })
@Check(
  'ck_freed_slot_status',
  `status IN ('offering', 'booking', 'filled', 'filled_by_staff', 'escalated', 'expired')`,
)
@Check('ck_freed_slot_interval', 'end_at > start_at')
// A redelivered or replayed cancellation opens the same slot once.
@Index('ux_freed_slot_source', ['tenantId', 'freedByAppointmentId', 'startAt'], { unique: true })
@Index('ix_freed_slot_tenant_status', ['tenantId', 'status'])
@Index('ix_freed_slot_tenant_opened', ['tenantId', 'openedAt'])
@Index('ix_freed_slot_paused', ['wavesPausedUntil'], {
  where: `status = 'offering' AND waves_paused_until IS NOT NULL`,
})
export class FreedSlotEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'freed_by_appointment_id', type: 'uuid' })
  freedByAppointmentId!: string;

  @Column({ name: 'start_at', type: 'timestamptz' })
  startAt!: Date;

  @Column({ name: 'end_at', type: 'timestamptz' })
  endAt!: Date;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ name: 'appointment_type_code', type: 'text' })
  appointmentTypeCode!: string;

  @Column({ name: 'provider_id', type: 'text' })
  providerId!: string;

  @Column({ name: 'location_id', type: 'text' })
  locationId!: string;

  /** The location's display name for the offer text; '' when scheduling sent none. */
  @Column({ name: 'location_name', type: 'text', default: '' })
  locationName!: string;

  /** The freed appointment in the EHR and its version then; '' when scheduling sent none. */
  @Column({ name: 'freed_ehr_appointment_id', type: 'text', default: '' })
  freedEhrAppointmentId!: string;

  @Column({ name: 'freed_ehr_version', type: 'text', default: '' })
  freedEhrVersion!: string;

  @Column({ name: 'status', type: 'text' })
  status!: SlotStatus;

  /** The next wave waits for the offer hours to open (the slot's zone); null = not waiting. */
  @Column({ name: 'waves_paused_until', type: 'timestamptz', nullable: true })
  wavesPausedUntil!: Date | null;

  /** Waves sent so far. */
  @Column({ name: 'wave', type: 'integer' })
  wave!: number;

  @Column({ name: 'offers_made', type: 'integer' })
  offersMade!: number;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'filled_entry_id', type: 'uuid', nullable: true })
  filledEntryId!: string | null;

  @Column({ name: 'escalation_reason', type: 'text', nullable: true })
  escalationReason!: EscalationReasonCode | null;
}
