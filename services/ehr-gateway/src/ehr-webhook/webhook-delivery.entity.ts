import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** How an accepted delivery ended; rejected deliveries leave no row at all. */
export type WebhookDeliveryOutcome = 'accepted' | 'duplicate' | 'ignored';

/**
 * One accepted webhook delivery, kept so a redelivery of its `webhook-id` is answered
 * `duplicate` and changes nothing.
 * Rows expire at `expires_at` (webhook timestamp + WEBHOOK_ID_RETENTION_HOURS) and are
 * deleted by WebhookDeliveryPruner: by then the timestamp check alone rejects a replay.
 * Ids only — no part of the body is stored.
 */
@Entity({ name: 'ehr_webhook_delivery' })
@Check('CHK_ehr_webhook_delivery_outcome', `"outcome" IN ('accepted', 'duplicate', 'ignored')`)
@Index('IDX_ehr_webhook_delivery_expires_at', ['expiresAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'varchar',
    length: 100,
    primaryKeyConstraintName: 'PK_ehr_webhook_delivery',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'webhook_id',
    type: 'varchar',
    length: 256,
    primaryKeyConstraintName: 'PK_ehr_webhook_delivery',
  })
  webhookId!: string;

  @Column({ name: 'ehr_appointment_id', type: 'varchar', length: 64 })
  ehrAppointmentId!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: WebhookDeliveryOutcome;

  /** The published event; null when nothing was published (duplicate / ignored). */
  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId!: string | null;

  /** Root of the causal chain this delivery started. */
  @Column({ name: 'correlation_id', type: 'uuid' })
  correlationId!: string;

  @Column({ name: 'webhook_timestamp', type: 'timestamptz' })
  webhookTimestamp!: Date;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
