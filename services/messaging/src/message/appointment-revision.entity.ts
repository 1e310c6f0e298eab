import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The newest revision of each appointment messaging has acted on. Advancing it is the first
 * write of every appointment handler, which both serializes handlers for one appointment
 * (row lock) and drops events older than what was already seen (e.g. a replayed booking
 * arriving after its cancellation).
 */
@Entity({ name: 'appointment_revision' })
@Check('ck_appointment_revision_revision', 'revision > 0')
export class AppointmentRevisionEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_appointment_revision',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'appointment_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_appointment_revision',
  })
  appointmentId!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'boolean', default: false })
  cancelled!: boolean;

  /** The EHR's id of the appointment (for messaging.patient-response.v1); null on older rows. */
  @Column({ name: 'ehr_appointment_id', type: 'text', nullable: true })
  ehrAppointmentId!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
