import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export enum RescheduleTextState {
  /** Messaging does not know the appointment yet: the booking's arrival queues the text. */
  Pending = 'pending',
  /** The text was queued (or suppressed); the `message` row carries it from here. */
  Queued = 'queued',
  /** No text: the visit was cancelled or moved before messaging could queue one. */
  Closed = 'closed',
  /**
   * No text: the booking never reached messaging while a text could still help (the visit's
   * start passed, or RESCHEDULE_TEXT_PENDING_MAX_AGE_HOURS went by); see pending-expiry.ts.
   */
  Expired = 'expired',
}

/**
 * A visit dispatch-optimizer said can no longer be kept at `appointmentStart`
 * (`dispatch.reschedule.v1`), as messaging texts it. The key makes a re-announced request a
 * no-op; a request for an appointment messaging has not seen yet waits here for its booking.
 * Ids and a time only, no PHI.
 */
@Entity({ name: 'reschedule_text' })
@Index('ix_reschedule_text_pending', ['appointmentStart'], { where: "state = 'pending'" })
@Check('ck_reschedule_text_state', `state IN ('pending', 'queued', 'closed', 'expired')`)
export class RescheduleTextEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_reschedule_text',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'appointment_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_reschedule_text',
  })
  appointmentId!: string;

  @PrimaryColumn({
    name: 'appointment_start',
    type: 'timestamptz',
    primaryKeyConstraintName: 'pk_reschedule_text',
  })
  appointmentStart!: Date;

  @Column({ type: 'text' })
  state!: RescheduleTextState;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
