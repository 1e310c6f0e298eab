import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export enum LinkRevocation {
  AppointmentMoved = 'appointment_moved',
  AppointmentCancelled = 'appointment_cancelled',
}

/** What a link opens: an appointment's page (`/a/`) or a waitlist offer's (`/o/`). */
export enum LinkPurpose {
  Appointment = 'appointment',
  WaitlistOffer = 'waitlist_offer',
}

/**
 * One patient link: a message's one-tap URL for one appointment revision. The token itself is
 * never stored, only its keyed digest (see link-token.ts); the URL carries no PHI.
 */
@Entity({ name: 'patient_link' })
@Index('ux_patient_link_token_digest', ['tokenDigest'], { unique: true })
@Index('ix_patient_link_appointment', ['tenantId', 'appointmentId'])
@Check('ck_patient_link_purpose', `purpose IN ('appointment', 'waitlist_offer')`)
export class PatientLinkEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_patient_link' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'token_digest', type: 'bytea' })
  tokenDigest!: Buffer;

  @Column({ name: 'appointment_id', type: 'uuid' })
  appointmentId!: string;

  @Column({ name: 'appointment_revision', type: 'integer' })
  appointmentRevision!: number;

  /** The message that carries the link. */
  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  /** The booking's correlation id: the patient's answer joins the appointment's trail. */
  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  /** For a waitlist offer, `appointmentId` is the offer id and the link ends with the hold. */
  @Column({ type: 'text', default: LinkPurpose.Appointment })
  purpose!: LinkPurpose;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: LinkRevocation | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
