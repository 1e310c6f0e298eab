import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { type NewEvent } from '@caredispatch/contracts';
import { inJobTransaction, inTenantTransaction, OutboxWriter } from '@caredispatch/kafka';

import { RosterImportJobs } from './roster-import-jobs';

export type RosterAnswer = NewEvent<'EhrRosterFetchedV1'> | NewEvent<'EhrRosterFetchFailedV1'>;

/** A roster import as the relay works on it. */
export interface RosterImportJob {
  readonly tenantId: string;
  readonly importId: string;
  readonly requestEventId: string;
  readonly correlationId: string;
  readonly attempts: number;
  readonly createdAt: Date;
}

interface JobRow {
  tenant_id: string;
  import_id: string;
  request_event_id: string;
  correlation_id: string;
  attempts: number;
  created_at: Date;
}

/**
 * The roster import job table: staged with the inbox row (in the request's tenant), claimed
 * with a lease by the relay job across tenants, finished with its `ehr.roster.v1` answer in a
 * transaction scoped to the job's tenant.
 */
@Injectable()
export class RosterImportRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Stages the job in the consumer's transaction; a repeated request stages nothing. */
  async stage(
    manager: EntityManager,
    job: Omit<RosterImportJob, 'attempts' | 'createdAt'>,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ehr_roster_import_job
         (tenant_id, import_id, request_event_id, correlation_id, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (tenant_id, import_id) DO NOTHING`,
      [job.tenantId, job.importId, job.requestEventId, job.correlationId, now],
    );
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<RosterImportJob[]> {
    // The one cross-tenant statement: the relay job may read and lease every tenant's
    // imports (its policy on ehr_roster_import_job), and nothing else.
    const result: unknown = await inJobTransaction(
      this.dataSource,
      RosterImportJobs.Relay,
      (manager) =>
        manager.query(
          `UPDATE ehr_roster_import_job j
           SET lease_until = $1::timestamptz + ($2 || ' milliseconds')::interval
           WHERE (j.tenant_id, j.import_id) IN (
             SELECT d.tenant_id, d.import_id FROM ehr_roster_import_job d
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1
               AND (d.lease_until IS NULL OR d.lease_until < $1)
             ORDER BY d.next_attempt_at
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
           RETURNING j.tenant_id, j.import_id, j.request_event_id, j.correlation_id,
             j.attempts, j.created_at`,
          [now, String(leaseMs), limit],
        ),
    );
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as JobRow[]) : [];
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      importId: row.import_id,
      requestEventId: row.request_event_id,
      correlationId: row.correlation_id,
      attempts: row.attempts,
      createdAt: row.created_at,
    }));
  }

  /** Ends the job and stages its answer in one transaction scoped to the job's tenant. */
  async finish(
    job: RosterImportJob,
    status: 'succeeded' | 'failed',
    answer: RosterAnswer,
    detail: { error: string | null; httpStatus: number | null },
    now: Date,
  ): Promise<void> {
    await this.outbox.prepare(job.tenantId);
    await inTenantTransaction(this.dataSource, job.tenantId, async (manager) => {
      await manager.query(
        `UPDATE ehr_roster_import_job
         SET status = $3, attempts = attempts + 1, lease_until = NULL, completed_at = $4,
             last_error = $5, last_http_status = $6
         WHERE tenant_id = $1 AND import_id = $2`,
        [job.tenantId, job.importId, status, now, detail.error, detail.httpStatus],
      );
      await this.outbox.append(manager, answer);
    });
  }

  /** Answers a request at once, in the consumer's transaction (no EHR connection). */
  async answerNow(manager: EntityManager, answer: RosterAnswer): Promise<void> {
    await this.outbox.append(manager, answer);
  }

  async postpone(
    job: RosterImportJob,
    nextAttemptAt: Date,
    detail: { error: string; httpStatus: number },
  ): Promise<void> {
    await inTenantTransaction(this.dataSource, job.tenantId, (manager) =>
      manager.query(
        `UPDATE ehr_roster_import_job
         SET attempts = attempts + 1, next_attempt_at = $3, lease_until = NULL,
             last_error = $4, last_http_status = $5
         WHERE tenant_id = $1 AND import_id = $2 AND status = 'pending'`,
        [job.tenantId, job.importId, nextAttemptAt, detail.error, detail.httpStatus],
      ),
    );
  }
}
