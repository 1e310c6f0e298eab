import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { type NewEvent } from '@caredispatch/contracts';
import { inJobTransaction, inTenantTransaction, OutboxWriter } from '@caredispatch/kafka';

import { type WriteBackActionName, type WriteBackJobEntity } from './write-back-job.entity';
import { WriteBackJobs } from './write-back-jobs';

export interface StagedWriteBack {
  readonly tenantId: string;
  readonly responseId: string;
  readonly responseEventId: string;
  readonly correlationId: string;
  readonly appointmentId: string;
  readonly ehrAppointmentId: string;
  readonly action: WriteBackActionName;
  readonly slotId: string | null;
  readonly newStart: Date | null;
  readonly newEnd: Date | null;
  /** `book` only. */
  readonly ehrPatientId?: string | null;
  /** `book`: the freed appointment's version; `move`: the kept visit's. */
  readonly expectedVersion?: string | null;
  /** `move` only: the freed appointment and its version. */
  readonly freedEhrAppointmentId?: string | null;
  readonly freedEhrVersion?: string | null;
  /** `reassign` only: the new Practitioner id and the one the EHR had as dispatch saw it. */
  readonly ehrPractitionerId?: string | null;
  readonly bookedEhrPractitionerId?: string | null;
}

export type WriteBackEvent = NewEvent<'WriteBackSucceededV1'> | NewEvent<'WriteBackFailedV1'>;

/** A job as the relay works on it. */
export type WriteBackJob = Pick<
  WriteBackJobEntity,
  | 'id'
  | 'tenantId'
  | 'responseId'
  | 'responseEventId'
  | 'correlationId'
  | 'appointmentId'
  | 'ehrAppointmentId'
  | 'action'
  | 'slotId'
  | 'newStart'
  | 'newEnd'
  | 'expectedStart'
  | 'expectedEnd'
  | 'ehrPatientId'
  | 'expectedVersion'
  | 'freedEhrAppointmentId'
  | 'freedEhrVersion'
  | 'ehrPractitionerId'
  | 'knownPractitionerIds'
  | 'attempts'
  | 'createdAt'
>;

interface JobRow {
  id: string;
  tenant_id: string;
  response_id: string;
  response_event_id: string;
  correlation_id: string;
  appointment_id: string;
  ehr_appointment_id: string;
  action: WriteBackActionName;
  slot_id: string | null;
  new_start: Date | null;
  new_end: Date | null;
  expected_start: Date | null;
  expected_end: Date | null;
  ehr_patient_id: string | null;
  expected_version: string | null;
  freed_ehr_appointment_id: string | null;
  freed_ehr_version: string | null;
  ehr_practitioner_id: string | null;
  known_practitioner_ids: string[] | null;
  attempts: number;
  created_at: Date;
}

/**
 * The write-back job table: staged with the inbox row (the consumer's transaction is scoped to
 * the response's tenant), claimed with a lease by the relay job across tenants, finished with
 * its outbox event in a transaction scoped to the job's tenant.
 */
@Injectable()
export class WriteBackRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Stages a job in the consumer's transaction; a redelivered response stages nothing. The
   * appointment's times as last published are kept to recognise a later change by staff.
   */
  async stage(manager: EntityManager, job: StagedWriteBack, now: Date): Promise<void> {
    if (job.action === 'reassign') await this.supersedeReassignments(manager, job, now);
    await manager.query(
      `INSERT INTO ehr_write_back_job
         (id, tenant_id, response_id, response_event_id, correlation_id, appointment_id,
          ehr_appointment_id, action, slot_id, new_start, new_end, expected_start, expected_end,
          next_attempt_at, ehr_patient_id, expected_version, ehr_practitioner_id,
          known_practitioner_ids, freed_ehr_appointment_id, freed_ehr_version)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, s.start_at, s.end_at, $12, $13, $14,
              $15,
              -- A reassignment may find the booked practitioner or one we wrote earlier: not
              -- staff's choice. (Always names $16 and $17: an unused parameter has no type.)
              CASE WHEN $17::boolean THEN
                ARRAY(SELECT DISTINCT k.ehr_practitioner_id::text FROM ehr_write_back_job k
                      WHERE k.tenant_id = $2 AND k.ehr_appointment_id = $7
                        AND k.action = 'reassign' AND k.ehr_practitioner_id IS NOT NULL)
                || $16::text[]
              END,
              $18, $19
       FROM (SELECT 1) AS one
       LEFT JOIN ehr_appointment_state s
         ON s.tenant_id = $2 AND s.ehr_appointment_id = $7 AND s.lifecycle = 'active'
       ON CONFLICT (tenant_id, response_id) DO NOTHING`,
      [
        randomUUID(),
        job.tenantId,
        job.responseId,
        job.responseEventId,
        job.correlationId,
        job.appointmentId,
        job.ehrAppointmentId,
        job.action,
        job.slotId,
        job.newStart,
        job.newEnd,
        now,
        job.ehrPatientId ?? null,
        job.expectedVersion ?? null,
        job.ehrPractitionerId ?? null,
        job.action === 'reassign' ? [job.bookedEhrPractitionerId ?? ''] : null,
        job.action === 'reassign',
        job.freedEhrAppointmentId ?? null,
        job.freedEhrVersion ?? null,
      ],
    );
  }

  /**
   * A newer reassignment of the appointment wins over older ones not yet written (no writing
   * a practitioner a later plan already moved the visit away from); one the relay holds right
   * now finishes first (jobs of an appointment run in order).
   */
  private async supersedeReassignments(
    manager: EntityManager,
    job: StagedWriteBack,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE ehr_write_back_job
       SET status = 'superseded', completed_at = $4, lease_until = NULL
       WHERE tenant_id = $1 AND ehr_appointment_id = $2 AND action = 'reassign'
         AND status = 'pending' AND response_id <> $3
         AND (lease_until IS NULL OR lease_until < $4)`,
      [job.tenantId, job.ehrAppointmentId, job.responseId, now],
    );
  }

  /**
   * Leases up to `limit` due jobs; only the oldest unfinished job of an appointment is due,
   * so a confirm and a later cancel reach the EHR in that order.
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<WriteBackJob[]> {
    // The one cross-tenant statement: the relay job may read and lease every tenant's jobs
    // (its policy on ehr_write_back_job), and nothing else.
    const rows: JobRow[] = await inJobTransaction(this.dataSource, WriteBackJobs.Relay, (manager) =>
      manager.query(
        `UPDATE ehr_write_back_job j SET lease_until = $2::timestamptz + ($3 || ' milliseconds')::interval
       WHERE j.id IN (
         SELECT d.id FROM ehr_write_back_job d
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1
           AND (d.lease_until IS NULL OR d.lease_until < $1)
           AND NOT EXISTS (
             SELECT 1 FROM ehr_write_back_job e
             WHERE e.tenant_id = d.tenant_id AND e.ehr_appointment_id = d.ehr_appointment_id
               AND e.status = 'pending' AND e.seq < d.seq)
         ORDER BY d.next_attempt_at
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING j.id, j.tenant_id, j.response_id, j.response_event_id, j.correlation_id,
         j.appointment_id, j.ehr_appointment_id, j.action, j.slot_id, j.new_start, j.new_end,
         j.expected_start, j.expected_end, j.ehr_patient_id, j.expected_version,
         j.freed_ehr_appointment_id, j.freed_ehr_version,
         j.ehr_practitioner_id, j.known_practitioner_ids, j.attempts, j.created_at`,
        [now, now, String(leaseMs), limit],
      ),
    ).then((result: unknown) =>
      Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as JobRow[]) : [],
    );
    return rows.map(toJob);
  }

  /**
   * Ends the job and stages its audit event in one transaction scoped to the job's tenant (the
   * event's tenant); records versions we wrote.
   */
  async finish(
    job: WriteBackJob,
    status: 'succeeded' | 'failed',
    event: WriteBackEvent,
    writtenVersions: readonly { ehrAppointmentId: string; versionId: string }[],
    detail: { error: string | null; httpStatus: number | null },
    now: Date,
  ): Promise<void> {
    // The data key the event is sealed with, loaded before the transaction holds a connection.
    await this.outbox.prepare(job.tenantId);
    await inTenantTransaction(this.dataSource, job.tenantId, async (manager) => {
      await manager.query(
        `UPDATE ehr_write_back_job
         SET status = $2, attempts = attempts + 1, lease_until = NULL, completed_at = $3,
             last_error = $4, last_http_status = $5
         WHERE id = $1`,
        [job.id, status, now, detail.error, detail.httpStatus],
      );
      for (const written of writtenVersions) {
        await manager.query(
          `INSERT INTO ehr_written_version (tenant_id, ehr_appointment_id, ehr_version, write_back_id)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [job.tenantId, written.ehrAppointmentId, written.versionId, job.id],
        );
      }
      await this.outbox.append(manager, event);
    });
  }

  /** A transient failure: the job waits until `nextAttemptAt` (in the job's tenant's transaction). */
  async postpone(
    job: WriteBackJob,
    nextAttemptAt: Date,
    detail: { error: string; httpStatus: number },
  ): Promise<void> {
    await inTenantTransaction(this.dataSource, job.tenantId, (manager) =>
      manager.query(
        `UPDATE ehr_write_back_job
         SET attempts = attempts + 1, next_attempt_at = $2, lease_until = NULL,
             last_error = $3, last_http_status = $4
         WHERE id = $1 AND status = 'pending'`,
        [job.id, nextAttemptAt, detail.error, detail.httpStatus],
      ),
    );
  }
}

function toJob(row: JobRow): WriteBackJob {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    responseId: row.response_id,
    responseEventId: row.response_event_id,
    correlationId: row.correlation_id,
    appointmentId: row.appointment_id,
    ehrAppointmentId: row.ehr_appointment_id,
    action: row.action,
    slotId: row.slot_id,
    newStart: row.new_start,
    newEnd: row.new_end,
    expectedStart: row.expected_start,
    expectedEnd: row.expected_end,
    ehrPatientId: row.ehr_patient_id,
    expectedVersion: row.expected_version,
    freedEhrAppointmentId: row.freed_ehr_appointment_id,
    freedEhrVersion: row.freed_ehr_version,
    ehrPractitionerId: row.ehr_practitioner_id,
    knownPractitionerIds: row.known_practitioner_ids,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}

/** Echo lookup for the webhook path: the write-back whose version (or in-flight intent) this is. */
export interface OwnWriteBack {
  readonly writeBackId: string;
  readonly responseEventId: string;
  readonly correlationId: string;
}

export async function findOwnWriteBack(
  manager: EntityManager,
  key: { tenantId: string; ehrAppointmentId: string },
  incoming: { versionId: string | undefined; lifecycle: string; start: Date; end: Date },
  now: Date,
): Promise<OwnWriteBack | undefined> {
  // One statement, one snapshot: the write-back either still runs (pending, leased — the EHR
  // may send its webhook before our write's transaction commits; then the job's intended
  // result must be what arrived) or has committed the version it wrote. Two statements
  // could see neither.
  const rows: unknown = await manager.query(
    `SELECT j.id, j.response_event_id, j.correlation_id FROM ehr_write_back_job j
     WHERE j.tenant_id = $1 AND (
       j.id IN (SELECT v.write_back_id FROM ehr_written_version v
                WHERE v.tenant_id = $1 AND v.ehr_appointment_id = $2 AND v.ehr_version = $7)
       OR (j.ehr_appointment_id = $2 AND j.status = 'pending' AND j.lease_until > $3
           AND ((j.action = 'cancel' AND $4 = 'cancelled')
             OR (j.action IN ('reschedule', 'move') AND $4 = 'active' AND j.new_start = $5
                 AND j.new_end = $6)
             OR (j.action IN ('confirm', 'reassign') AND $4 = 'active' AND j.expected_start = $5
                 AND j.expected_end = $6))))
     ORDER BY j.seq DESC LIMIT 1`,
    [
      key.tenantId,
      key.ehrAppointmentId,
      now,
      incoming.lifecycle,
      incoming.start,
      incoming.end,
      incoming.versionId ?? null,
    ],
  );
  const row = Array.isArray(rows) ? (rows[0] as Record<string, string> | undefined) : undefined;
  return row
    ? {
        writeBackId: row.id,
        responseEventId: row.response_event_id,
        correlationId: row.correlation_id,
      }
    : undefined;
}
