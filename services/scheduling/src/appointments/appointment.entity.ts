import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

import { LocationEntity } from '../directory/location.entity';
import { PatientEntity } from '../directory/patient.entity';
import { ProviderEntity } from '../directory/provider.entity';

import { AppointmentStatus } from './appointment-transition';

/**
 * The appointment as scheduling records it. `id` is scheduling's id: the Kafka key and the
 * id every downstream service uses; the EHR's id is kept for idempotency and lookups.
 */
@Entity({ name: 'appointment' })
@Check('ck_appointment_status', `status IN ('booked', 'cancelled')`)
@Check('ck_appointment_revision', 'revision > 0')
@Check('ck_appointment_interval', 'end_at >= start_at')
@Check('ck_appointment_ehr_sequence', 'ehr_sequence >= 0')
// Composite (tenant_id, id) keys: an appointment can never point at another tenant's row.
@ForeignKey(() => PatientEntity, ['tenantId', 'patientId'], ['tenantId', 'id'], {
  name: 'fk_appointment_patient',
})
@ForeignKey(() => ProviderEntity, ['tenantId', 'providerId'], ['tenantId', 'id'], {
  name: 'fk_appointment_provider',
})
@ForeignKey(() => LocationEntity, ['tenantId', 'locationId'], ['tenantId', 'id'], {
  name: 'fk_appointment_location',
})
@Index('ux_appointment_tenant_ehr_appointment', ['tenantId', 'ehrAppointmentId'], { unique: true })
@Index('ux_appointment_tenant_id', ['tenantId', 'id'], { unique: true })
@Index('ix_appointment_tenant_start', ['tenantId', 'startAt'])
export class AppointmentEntity {
  /** Assigned by scheduling when the appointment is first recorded (it keys the first event). */
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'ehr_appointment_id', type: 'text' })
  ehrAppointmentId!: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem!: string;

  /** Last EHR version applied; every applied version is in appointment_ehr_version. */
  @Column({ name: 'ehr_version', type: 'text' })
  ehrVersion!: string;

  /**
   * ehr-gateway's sequence of the last EHR change applied; a change at or below it is a
   * replay or stale and changes nothing. bigint because the contract field is a uint32.
   */
  @Column({
    name: 'ehr_sequence',
    type: 'bigint',
    default: 0,
    transformer: { to: (value: number) => value, from: (value: string) => Number(value) },
  })
  ehrSequence!: number;

  @Column({ name: 'status', type: 'text', enum: AppointmentStatus })
  status!: AppointmentStatus;

  @Column({ name: 'start_at', type: 'timestamptz' })
  startAt!: Date;

  @Column({ name: 'end_at', type: 'timestamptz' })
  endAt!: Date;

  @Column({ name: 'revision', type: 'integer' })
  revision!: number;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId!: string;

  @Column({ name: 'provider_id', type: 'uuid', nullable: true })
  providerId!: string | null;

  @Column({ name: 'location_id', type: 'uuid' })
  locationId!: string;

  @Column({ name: 'practice_name', type: 'text' })
  practiceName!: string;

  @Column({ name: 'appointment_type_code', type: 'text' })
  appointmentTypeCode!: string;

  @Column({ name: 'cancellation_reason_code', type: 'text', nullable: true })
  cancellationReasonCode!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
