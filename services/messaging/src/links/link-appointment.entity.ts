import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the patient page shows: the newest revision of each appointment messaging has seen, as
 * scheduling published it — practice, time, place and provider, nothing clinical. The address
 * (for a home visit, the patient's own) is encrypted at rest.
 */
@Entity({ name: 'link_appointment' })
export class LinkAppointmentEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_link_appointment',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'appointment_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_link_appointment',
  })
  appointmentId!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'ehr_appointment_id', type: 'text' })
  ehrAppointmentId!: string;

  @Column({ name: 'practice_name', type: 'text' })
  practiceName!: string;

  @Column({ name: 'start_at', type: 'timestamptz' })
  startAt!: Date;

  @Column({ name: 'end_at', type: 'timestamptz' })
  endAt!: Date;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ name: 'location_id', type: 'text' })
  locationId!: string;

  @Column({ name: 'location_name', type: 'text' })
  locationName!: string;

  /** `phi1.` ciphertext of the address lines as JSON; null when the EHR sent none. */
  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ name: 'provider_id', type: 'text' })
  providerId!: string;

  /** The EHR's Practitioner id (what its Schedules name); '' = unknown. */
  @Column({ name: 'ehr_practitioner_id', type: 'text', default: '' })
  ehrPractitionerId!: string;

  /** The EHR's Location id (what its Schedules name); '' = unknown. */
  @Column({ name: 'ehr_location_id', type: 'text', default: '' })
  ehrLocationId!: string;

  @Column({ name: 'provider_display_name', type: 'text' })
  providerDisplayName!: string;

  @Column({ name: 'appointment_type_code', type: 'text' })
  appointmentTypeCode!: string;

  @Column({ type: 'boolean' })
  cancelled!: boolean;

  /**
   * The patient's preferred language (BCP-47, from scheduling.appointment.v1) at this revision:
   * the page and the replies to the patient's texts are written in it. Null = unknown.
   */
  @Column({ name: 'patient_language', type: 'text', nullable: true })
  patientLanguage!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
