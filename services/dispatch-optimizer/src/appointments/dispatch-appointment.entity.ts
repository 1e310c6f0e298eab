import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Dispatch's copy of a booked appointment (from scheduling.appointment.v1), with the minimum
 * necessary patient data: the display name and, for home visits, the address and coordinates.
 * The display name and address are stored encrypted (`phi1.…`, phi/dispatch-phi.ts); the
 * repository hands them out decrypted.
 */
@Entity({ name: 'dispatch_appointment' })
@Index('ix_dispatch_appointment_tenant_start', ['tenantId', 'startAt'])
export class DispatchAppointmentEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_appointment',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'appointment_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_dispatch_appointment',
  })
  appointmentId!: string;

  @Column({ name: 'revision', type: 'integer' })
  revision!: number;

  @Column({ name: 'status', type: 'text' })
  status!: 'booked' | 'cancelled';

  @Column({ name: 'start_at', type: 'timestamptz' })
  startAt!: Date;

  @Column({ name: 'end_at', type: 'timestamptz' })
  endAt!: Date;

  @Column({ name: 'type_code', type: 'text' })
  typeCode!: string;

  @Column({ name: 'patient_display_name', type: 'text' })
  patientDisplayName!: string;

  /** scheduling's location uuid. */
  @Column({ name: 'location_id', type: 'text' })
  locationId!: string;

  /** The EHR's location id (what coordinators configure clinics by); '' when scheduling sent none. */
  @Column({ name: 'ehr_location_id', type: 'text', default: '' })
  ehrLocationId!: string;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ name: 'address_line', type: 'text' })
  addressLine!: string;

  /** The address's blind index (HMAC): an upsert with another address re-opens geocoding. Null: no address, or stored before it. */
  @Column({ name: 'address_key', type: 'text', nullable: true })
  addressKey!: string | null;

  /** Null until geocoded, and when geocoding failed (`geocode_status` says which). */
  @Column({ name: 'lat', type: 'double precision', nullable: true })
  lat!: number | null;

  @Column({ name: 'lon', type: 'double precision', nullable: true })
  lon!: number | null;

  @Column({ name: 'geocode_status', type: 'text' })
  geocodeStatus!: 'pending' | 'resolved' | 'unresolvable' | 'not-needed';

  /** The provider scheduling recorded (informational; dispatch assigns its own). */
  @Column({ name: 'booked_provider_id', type: 'text', nullable: true })
  bookedProviderId!: string | null;

  /** The EHR's Appointment id; '' for rows stored before dispatch kept it. */
  @Column({ name: 'ehr_appointment_id', type: 'text', default: '' })
  ehrAppointmentId!: string;

  /** The FHIR Practitioner id the EHR has the visit booked with (scheduling's view); '' = none. */
  @Column({ name: 'booked_ehr_practitioner_id', type: 'text', default: '' })
  bookedEhrPractitionerId!: string;

  /** The revision the current plan reflects; below `revision` = the plan must be updated. */
  @Column({ name: 'planned_revision', type: 'integer', default: 0 })
  plannedRevision!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
