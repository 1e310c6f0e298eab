import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { type TimeOfDayWindow, type Urgency } from '../ranking/waitlist-ranking';

export type EntryStatus = 'open' | 'booked' | 'withdrawn' | 'expired';
export type ContactChannel = 'sms' | 'email';

/**
 * A patient waiting for an earlier or any time for one appointment type. Holds ids and
 * preferences only: contact details stay with scheduling/messaging, found by `patientId`.
 */
@Entity({ name: 'waitlist_entry' })
@Check('ck_waitlist_entry_status', `status IN ('open', 'booked', 'withdrawn', 'expired')`)
@Check('ck_waitlist_entry_urgency', `urgency IN ('routine', 'soon', 'urgent')`)
@Check('ck_waitlist_entry_dates', 'latest_date >= earliest_date')
@Check('ck_waitlist_entry_declines', 'declines >= 0')
// One open entry per patient and type: a second request merges into it.
@Index('ux_waitlist_entry_open_patient_type', ['tenantId', 'patientId', 'appointmentTypeCode'], {
  unique: true,
  where: `status = 'open'`,
})
@Index('ix_waitlist_entry_tenant_status', ['tenantId', 'status'])
@Index('ix_waitlist_entry_open_replaces', ['tenantId', 'replacesAppointmentId'], {
  where: `status = 'open' AND replaces_appointment_id IS NOT NULL`,
})
export class WaitlistEntryEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  /** scheduling's patient uuid. */
  @Column({ name: 'patient_id', type: 'text' })
  patientId!: string;

  /**
   * The EHR's logical id of the patient (FHIR Patient.id), so a fill can be booked in the EHR;
   * null = not recorded (an acceptance is then booked by staff, see docs/waitlist-offers.md).
   */
  @Column({ name: 'ehr_patient_id', type: 'text', nullable: true })
  ehrPatientId!: string | null;

  @Column({ name: 'appointment_type_code', type: 'text' })
  appointmentTypeCode!: string;

  /**
   * The visit the patient keeps while waiting for an earlier one (scheduling's appointment
   * uuid), when the entry came from "Ask for an earlier time" on the link page: a fill moves
   * that visit in the EHR instead of adding a second appointment. Null for staff entries.
   */
  @Column({ name: 'replaces_appointment_id', type: 'text', nullable: true })
  replacesAppointmentId!: string | null;

  /**
   * The kept visit as the EHR names it (FHIR Appointment.id; null = not known: staff move it),
   * its version ('' = not known) and scheduling's revision that version is of, kept current
   * from scheduling's appointment events.
   */
  @Column({ name: 'kept_ehr_appointment_id', type: 'text', nullable: true })
  keptEhrAppointmentId!: string | null;

  @Column({ name: 'kept_ehr_version', type: 'text', default: '' })
  keptEhrVersion!: string;

  @Column({ name: 'kept_revision', type: 'integer', default: 0 })
  keptRevision!: number;

  @Column({ name: 'provider_ids', type: 'text', array: true })
  providerIds!: string[];

  @Column({ name: 'location_ids', type: 'text', array: true })
  locationIds!: string[];

  @Column({ name: 'earliest_date', type: 'date' })
  earliestDate!: string;

  @Column({ name: 'latest_date', type: 'date' })
  latestDate!: string;

  @Column({ name: 'weekdays', type: 'smallint', array: true })
  weekdays!: number[];

  @Column({ name: 'times_of_day', type: 'jsonb' })
  timesOfDay!: TimeOfDayWindow[];

  @Column({ name: 'urgency', type: 'text' })
  urgency!: Urgency;

  /** Channels the patient consented to be contacted on (snapshot when the entry was made). */
  @Column({ name: 'channels', type: 'text', array: true })
  channels!: ContactChannel[];

  @Column({ name: 'home_lat', type: 'double precision', nullable: true })
  homeLat!: number | null;

  @Column({ name: 'home_lng', type: 'double precision', nullable: true })
  homeLng!: number | null;

  @Column({ name: 'status', type: 'text' })
  status!: EntryStatus;

  @Column({ name: 'declines', type: 'integer' })
  declines!: number;

  /** Waiting time counts from the first request, even after merges. */
  @Column({ name: 'waiting_since', type: 'timestamptz' })
  waitingSince!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}
