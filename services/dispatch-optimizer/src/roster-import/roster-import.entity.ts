import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { RosterImportSummary } from './ehr-roster-import.model';

export type RosterImportStatus = 'requested' | 'completed' | 'failed';

/** One import from the EHR a practice admin asked for, and its outcome. */
@Entity({ name: 'dispatch_roster_import' })
@Index('uq_dispatch_roster_import_scheduled', ['tenantId', 'scheduledFor'], {
  unique: true,
  where: 'scheduled_for IS NOT NULL',
})
@Check('chk_dispatch_roster_import_status', `status IN ('requested', 'completed', 'failed')`)
export class RosterImportEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_roster_import',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'import_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_dispatch_roster_import',
  })
  importId!: string;

  @Column({ name: 'status', type: 'text' })
  status!: RosterImportStatus;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** ehr-gateway's reason (NO_EHR_CONNECTION, EHR_UNAVAILABLE, …) when it failed. */
  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  /**
   * The practice-local day of a scheduled import (one per tenant and day: a unique index, so
   * replicas that find it due together start it once); null when a practice admin asked.
   */
  @Column({ name: 'scheduled_for', type: 'date', nullable: true })
  scheduledFor!: string | null;

  @Column({ name: 'summary', type: 'jsonb', nullable: true })
  summary!: RosterImportSummary | null;
}
