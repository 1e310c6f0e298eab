import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type RosterImportJobStatus = 'pending' | 'succeeded' | 'failed';

/**
 * One roster import dispatch asked for: staged by the consumer with its inbox row (so it
 * survives restarts), worked by the roster relay (every page of Practitioner and
 * PractitionerRole) with retries until it succeeds, fails for good, or outlives the deadline.
 * Ids and times only.
 */
@Entity({ name: 'ehr_roster_import_job' })
@Index('IDX_ehr_roster_import_job_due', ['status', 'nextAttemptAt'])
@Check('CHK_ehr_roster_import_job_status', `"status" IN ('pending', 'succeeded', 'failed')`)
export class RosterImportJobEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'varchar',
    length: 100,
    primaryKeyConstraintName: 'PK_ehr_roster_import_job',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'import_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_ehr_roster_import_job',
  })
  importId!: string;

  /** The RosterImportRequestedV1 envelope: the causation of the answer. */
  @Column({ name: 'request_event_id', type: 'uuid' })
  requestEventId!: string;

  @Column({ name: 'correlation_id', type: 'uuid' })
  correlationId!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: RosterImportJobStatus;

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
