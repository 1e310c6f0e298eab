import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * `book`: a waitlist fill, a new Appointment for the acceptor (waitlist.slot.v1). `move`: a
 * waitlist fill for an acceptor who keeps a visit, that visit moved to the freed time (published
 * as action BOOK). `reassign`: a dispatch plan moved the visit to another practitioner
 * (dispatch.ehr-assignment.v1).
 */
export type WriteBackActionName =
  'confirm' | 'cancel' | 'reschedule' | 'book' | 'move' | 'reassign';
/** `superseded`: a newer reassignment of the appointment arrived before this one ran. */
export type WriteBackJobStatus = 'pending' | 'succeeded' | 'failed' | 'superseded';

/**
 * One patient response to write back to the EHR: staged by the consumer in the same
 * transaction as its inbox row (so it survives restarts), executed by WriteBackRelay with
 * retries until it succeeds, fails for good, or outlives the retry deadline. Ids, codes and
 * times only.
 */
@Entity({ name: 'ehr_write_back_job' })
@Index('UQ_ehr_write_back_job_response', ['tenantId', 'responseId'], { unique: true })
@Index('IDX_ehr_write_back_job_due', ['status', 'nextAttemptAt'])
@Index('IDX_ehr_write_back_job_appointment', ['tenantId', 'ehrAppointmentId', 'seq'])
@Check(
  'CHK_ehr_write_back_job_action',
  `"action" IN ('confirm', 'cancel', 'reschedule', 'book', 'move', 'reassign')`,
)
@Check(
  'CHK_ehr_write_back_job_status',
  `"status" IN ('pending', 'succeeded', 'failed', 'superseded')`,
)
export class WriteBackJobEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_ehr_write_back_job' })
  id!: string;

  /** Order of arrival: an appointment's jobs run one at a time in this order. */
  @Column({ type: 'bigint', generated: 'increment' })
  seq!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 100 })
  tenantId!: string;

  @Column({ name: 'response_id', type: 'uuid' })
  responseId!: string;

  /** The PatientRespondedV1 envelope: the causation of every event the job publishes. */
  @Column({ name: 'response_event_id', type: 'uuid' })
  responseEventId!: string;

  @Column({ name: 'correlation_id', type: 'uuid' })
  correlationId!: string;

  @Column({ name: 'appointment_id', type: 'uuid' })
  appointmentId!: string;

  @Column({ name: 'ehr_appointment_id', type: 'varchar', length: 64 })
  ehrAppointmentId!: string;

  @Column({ type: 'varchar', length: 16 })
  action!: WriteBackActionName;

  @Column({ name: 'slot_id', type: 'varchar', length: 64, nullable: true })
  slotId!: string | null;

  @Column({ name: 'new_start', type: 'timestamptz', nullable: true })
  newStart!: Date | null;

  @Column({ name: 'new_end', type: 'timestamptz', nullable: true })
  newEnd!: Date | null;

  /** `book`: the acceptor's EHR patient id (FHIR Patient.id). */
  @Column({ name: 'ehr_patient_id', type: 'varchar', length: 64, nullable: true })
  ehrPatientId!: string | null;

  /**
   * `book`: the freed appointment's version the waitlist saw; another one = staff changed it.
   * `move`: the kept visit's (the job's appointment) version the waitlist last learned.
   */
  @Column({ name: 'expected_version', type: 'varchar', length: 64, nullable: true })
  expectedVersion!: string | null;

  /**
   * `move`: the freed appointment (its practitioner, location and Slots go to the kept visit)
   * and its version the waitlist saw; another one = staff took the time.
   */
  @Column({ name: 'freed_ehr_appointment_id', type: 'varchar', length: 64, nullable: true })
  freedEhrAppointmentId!: string | null;

  @Column({ name: 'freed_ehr_version', type: 'varchar', length: 64, nullable: true })
  freedEhrVersion!: string | null;

  /** `reassign`: the FHIR Practitioner id to put on the appointment. */
  @Column({ name: 'ehr_practitioner_id', type: 'varchar', length: 64, nullable: true })
  ehrPractitionerId!: string | null;

  /**
   * `reassign`: Practitioner ids the EHR may show without that being a change by staff (the
   * booked one dispatch saw, and the targets of our own earlier reassignments); '' = none.
   */
  @Column({ name: 'known_practitioner_ids', type: 'text', array: true, nullable: true })
  knownPractitionerIds!: string[] | null;

  /** The appointment's times as the gateway last published them when the patient answered. */
  @Column({ name: 'expected_start', type: 'timestamptz', nullable: true })
  expectedStart!: Date | null;

  @Column({ name: 'expected_end', type: 'timestamptz', nullable: true })
  expectedEnd!: Date | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: WriteBackJobStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** Claimed by a relay until then; an expired lease is claimable again (a crashed relay). */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  /** Failure kind and HTTP status of the last attempt; never a response body. */
  @Column({ name: 'last_error', type: 'varchar', length: 200, nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_http_status', type: 'integer', nullable: true })
  lastHttpStatus!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
