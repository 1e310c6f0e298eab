import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { MessageState } from './message-state';

export enum MessagePurpose {
  Confirmation = 'confirmation',
  Reminder = 'reminder',
  /** Answers a patient's text: opt-out / opt-in confirmation, HELP. Sent whatever the appointment's state. */
  Reply = 'reply',
  /** A waitlist offer of a freed time (appointment_id is the offer id; see waitlist-offers/). */
  WaitlistOffer = 'waitlist_offer',
  /** "We need to reschedule" after a re-plan left the visit without a provider (reschedule-texts/). */
  RescheduleNeeded = 'reschedule_needed',
}

export enum MessageChannel {
  Sms = 'sms',
  Email = 'email',
}

/**
 * One message to one patient. The unique (tenant, appointment, revision, purpose) key is the
 * idempotency key: however often an appointment event is delivered, at most one row — and so
 * at most one SMS — exists for it. `to_e164` and `body` are PHI: never logged, never put on
 * Kafka. An email message keeps its address in `to_e164` and its rendered subject, text and
 * HTML (JSON, see email-content.ts) in `body`, so retention and key rotation treat both alike.
 */
@Entity({ name: 'message' })
@Check('ck_message_revision', 'revision > 0')
@Check(
  'ck_message_purpose',
  `purpose IN ('confirmation', 'reminder', 'reply', 'waitlist_offer', 'reschedule_needed')`,
)
@Check('ck_message_channel', `channel IN ('sms', 'email')`)
@Check(
  'ck_message_state',
  `state IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'suppressed', 'expired')`,
)
@Check(
  'ck_message_sendable',
  `state NOT IN ('queued', 'sending') OR (to_e164 IS NOT NULL AND body IS NOT NULL)`,
)
@Check(
  'ck_message_sending_claimed',
  `state <> 'sending' OR (claim_token IS NOT NULL AND lease_expires_at IS NOT NULL)`,
)
@Index('ux_message_idempotency', ['tenantId', 'appointmentId', 'revision', 'purpose', 'stepKey'], {
  unique: true,
})
@Index('ix_message_reminder_recipient', ['toLookupHash', 'nextAttemptAt'], {
  where: "purpose = 'reminder'",
})
@Index('ix_message_recipient_lookup', ['toLookupHash', 'createdAt'], {
  where: 'to_lookup_hash IS NOT NULL',
})
@Index('ix_message_patient_queued', ['tenantId', 'patientId', 'channel'], {
  where: "state = 'queued' AND patient_id IS NOT NULL",
})
@Index('ux_message_provider_message_id', ['providerMessageId'], {
  unique: true,
  where: 'provider_message_id IS NOT NULL',
})
@Index('ix_message_queued_due', ['nextAttemptAt'], { where: "state = 'queued'" })
@Index('ix_message_sending_lease', ['leaseExpiresAt'], { where: "state = 'sending'" })
@Index('ix_message_retention_pending', ['createdAt'], {
  where: 'to_e164 IS NOT NULL OR body IS NOT NULL',
})
export class MessageEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_message' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'appointment_id', type: 'uuid' })
  appointmentId!: string;

  @Column({ type: 'integer' })
  revision!: number;

  /** When the visit starts, as of `revision`; null for rows queued before it was recorded. */
  @Column({ name: 'appointment_start', type: 'timestamptz', nullable: true })
  appointmentStart!: Date | null;

  @Column({ type: 'text' })
  purpose!: MessagePurpose;

  /** The cadence step of a reminder; '' for a confirmation. Part of the idempotency key. */
  @Column({ name: 'step_key', type: 'text', default: '' })
  stepKey!: string;

  @Column({ type: 'text' })
  channel!: MessageChannel;

  @Column({ type: 'text' })
  state!: MessageState;

  @Column({ name: 'to_e164', type: 'text', nullable: true })
  toE164!: string | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  /**
   * A reminder text's email stand-in (address and rendered email, PHI, encrypted), sent instead
   * when the number proves undeliverable (Twilio 30003/30006); null without an address.
   */
  @Column({ name: 'fallback_to', type: 'text', nullable: true })
  fallbackTo!: string | null;

  @Column({ name: 'fallback_body', type: 'text', nullable: true })
  fallbackBody!: string | null;

  /** scheduling's patient uuid; null on rows older than two-way SMS. */
  @Column({ name: 'patient_id', type: 'uuid', nullable: true })
  patientId!: string | null;

  /** Blind index (per-tenant HMAC) of `to_e164`: finds the message an inbound reply answers. */
  @Column({ name: 'to_lookup_hash', type: 'text', nullable: true })
  toLookupHash!: string | null;

  @Column({ name: 'suppression_reason', type: 'text', nullable: true })
  suppressionReason!: string | null;

  @Column({ name: 'provider_message_id', type: 'text', nullable: true })
  providerMessageId!: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** Set by the first claim and kept: reconciliation looks for any attempt since then. */
  @Column({ name: 'first_attempt_at', type: 'timestamptz', nullable: true })
  firstAttemptAt!: Date | null;

  /** When the newest send attempt started: no answer to it is conclusive before lease + list lag. */
  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'claim_token', type: 'uuid', nullable: true })
  claimToken!: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  /** Correlation id of the appointment event that created the message; every message event repeats it. */
  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  /** Id of the last event published about this message: the causation id of the next one. */
  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId!: string;

  /** W3C traceparent of the consuming span, so the provider call joins the booking's trace. */
  @Column({ type: 'text', default: '' })
  traceparent!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
