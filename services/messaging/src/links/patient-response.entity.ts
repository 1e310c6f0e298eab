import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A patient's answer through a link. One per link and kind: a double tap, a refresh or a
 * replayed POST finds the row and publishes nothing new.
 */
@Entity({ name: 'patient_response' })
@Index('ux_patient_response_link_kind', ['linkId', 'kind'], { unique: true })
@Index('ix_patient_response_appointment', ['tenantId', 'appointmentId'])
export class PatientResponseEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_patient_response' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'link_id', type: 'uuid' })
  linkId!: string;

  @Column({ name: 'appointment_id', type: 'uuid' })
  appointmentId!: string;

  @Column({ name: 'appointment_revision', type: 'integer' })
  appointmentRevision!: number;

  /** A ResponseKind name: confirmed, cancelled, reschedule_requested, rescheduled. */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'slot_id', type: 'text', nullable: true })
  slotId!: string | null;

  /** RESCHEDULED only: the chosen slot's times, for the done page. */
  @Column({ name: 'new_start_at', type: 'timestamptz', nullable: true })
  newStartAt!: Date | null;

  @Column({ name: 'new_end_at', type: 'timestamptz', nullable: true })
  newEndAt!: Date | null;

  @Column({ name: 'cancellation_reason', type: 'text', nullable: true })
  cancellationReason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /**
   * Why ehr-gateway could not write this answer back (its WriteBackFailureReason code, e.g.
   * SLOT_TAKEN); null while pending or written. A failed answer no longer counts as given.
   */
  @Column({ name: 'write_back_failure', type: 'text', nullable: true })
  writeBackFailure!: string | null;
}
