import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { type CoordinatorEscalation } from './coordinator-escalation';

/**
 * One escalation to one coordinators' target (Slack channel or Teams webhook). Unique per
 * (tenant, dedupe key, target): one summary per call-out, however often it is seen. Sent with
 * the same claim/lease discipline as itineraries.
 */
@Entity({ name: 'coordinator_notice' })
@Check('ck_coordinator_notice_state', `state IN ('queued', 'sending', 'sent', 'failed')`)
@Check('ck_coordinator_notice_target', `target IN ('slack', 'teams')`)
@Index('ux_coordinator_notice_dedupe', ['tenantId', 'dedupeKey', 'target'], { unique: true })
@Index('ix_coordinator_notice_queued_due', ['nextAttemptAt'], { where: "state = 'queued'" })
@Index('ix_coordinator_notice_sending_lease', ['leaseExpiresAt'], { where: "state = 'sending'" })
export class CoordinatorNoticeEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_coordinator_notice' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'dedupe_key', type: 'text' })
  dedupeKey!: string;

  @Column({ type: 'text' })
  target!: 'slack' | 'teams';

  /** The rendered-from escalation (display names at most; see CoordinatorEscalation). */
  @Column({ type: 'jsonb' })
  content!: CoordinatorEscalation;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'first_attempt_at', type: 'timestamptz', nullable: true })
  firstAttemptAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
