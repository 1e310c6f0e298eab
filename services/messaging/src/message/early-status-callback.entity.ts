import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A verified provider status report that arrived before we recorded the provider's id for
 * the message (the send's answer was slow, or lost and not yet reconciled). Applied, then
 * deleted, when the id is recorded. One row per id and status: repeats collapse.
 */
@Entity({ name: 'early_status_callback' })
@Index('ix_early_status_callback_received_at', ['receivedAt'])
@Index('ix_early_status_callback_message_id', ['messageId'], { where: 'message_id IS NOT NULL' })
export class EarlyStatusCallbackEntity {
  @PrimaryColumn({
    name: 'provider_message_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_early_status_callback',
  })
  providerMessageId!: string;

  /** The provider's own word, e.g. Twilio's `delivered`; kept for the record. */
  @PrimaryColumn({
    name: 'provider_status',
    type: 'text',
    primaryKeyConstraintName: 'pk_early_status_callback',
  })
  providerStatus!: string;

  /** What it means for our state machine (a MessageTransition). */
  @Column({ type: 'text' })
  transition!: string;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  /** Our message id from the StatusCallback URL; null for callbacks to URLs without one. */
  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
