import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * One itinerary message to one provider for one plan version (the weekly run: Monday–Friday
 * in one message; a re-plan: the provider's changed days). The unique (tenant, plan, version,
 * provider) key makes delivery idempotent per plan version: however often the plan event is
 * consumed, one row, so at most one message. No patient data here: the text is rendered from
 * the stored plan when it is sent.
 */
@Entity({ name: 'itinerary_delivery' })
@Check('ck_itinerary_delivery_state', `state IN ('queued', 'sending', 'sent', 'failed')`)
@Check('ck_itinerary_delivery_channel', `channel IN ('slack', 'sms', 'email')`)
@Check(
  'ck_itinerary_delivery_sending_claimed',
  `state <> 'sending' OR lease_expires_at IS NOT NULL`,
)
@Index('ux_itinerary_delivery_plan_provider', ['tenantId', 'planId', 'planVersion', 'providerId'], {
  unique: true,
})
@Index('ix_itinerary_delivery_queued_due', ['nextAttemptAt'], { where: "state = 'queued'" })
@Index('ix_itinerary_delivery_sending_lease', ['leaseExpiresAt'], { where: "state = 'sending'" })
@Index('ix_itinerary_delivery_provider_sent', ['tenantId', 'providerId', 'sentAt'], {
  where: "state = 'sent'",
})
export class ItineraryDeliveryEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_itinerary_delivery' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'plan_id', type: 'text' })
  planId!: string;

  @Column({ name: 'plan_version', type: 'integer' })
  planVersion!: number;

  @Column({ name: 'provider_id', type: 'text' })
  providerId!: string;

  /** Practice days (YYYY-MM-DD) the message covers. */
  @Column({ type: 'text', array: true })
  days!: string[];

  /** True for a delta after an earlier itinerary of the same plan. */
  @Column({ type: 'boolean' })
  revised!: boolean;

  @Column({ type: 'text' })
  channel!: string;

  @Column({ type: 'text' })
  state!: DeliveryState;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'first_attempt_at', type: 'timestamptz', nullable: true })
  firstAttemptAt!: Date | null;

  /** Provider error code of the last failed attempt; never message text. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Where the message landed: Slack channel + ts, or the email Message-ID. */
  @Column({ name: 'external_channel', type: 'text', nullable: true })
  externalChannel!: string | null;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  /** For a Slack delta: the ts of the message it was threaded under. */
  @Column({ name: 'thread_of', type: 'text', nullable: true })
  threadOf!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
