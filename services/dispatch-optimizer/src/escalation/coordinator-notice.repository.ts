import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { inJobTransaction } from '@caredispatch/kafka';

import { DispatchJobs, tenantQuery } from '../tenancy';

import { type CoordinatorEscalation } from './coordinator-escalation';

export type NoticeTarget = 'slack' | 'teams';

export interface ClaimedNotice {
  readonly id: string;
  readonly tenantId: string;
  readonly target: NoticeTarget;
  readonly content: CoordinatorEscalation;
  readonly attempts: number;
  readonly firstAttemptAt: Date;
  readonly leaseExpiresAt: Date;
}

interface NoticeRow {
  id: string;
  tenant_id: string;
  target: NoticeTarget;
  content: CoordinatorEscalation;
  attempts: number;
  first_attempt_at: Date;
  lease_expires_at: Date;
}

/** The targets configured for a tenant (none: the exceptions queue is the only record). */
export function noticeTargetsOf(
  config: {
    readonly ESCALATION_SLACK_CHANNELS: ReadonlyMap<string, string>;
    readonly ESCALATION_TEAMS_WEBHOOK_URLS: ReadonlyMap<string, unknown>;
  },
  tenantId: string,
): NoticeTarget[] {
  return [
    ...(config.ESCALATION_SLACK_CHANNELS.has(tenantId) ? (['slack'] as const) : []),
    ...(config.ESCALATION_TEAMS_WEBHOOK_URLS.has(tenantId) ? (['teams'] as const) : []),
  ];
}

/** Coordinator notices: queued in the transaction that saw the cause, sent by CoordinatorNotifier. */
@Injectable()
export class CoordinatorNoticeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One row per configured target; an existing (dedupe key, target) is kept. */
  async enqueue(
    manager: EntityManager,
    escalation: CoordinatorEscalation,
    targets: readonly NoticeTarget[],
    now: Date,
  ): Promise<void> {
    for (const target of targets) {
      await manager.query(
        `INSERT INTO coordinator_notice
           (id, tenant_id, dedupe_key, target, content, state, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6)
         ON CONFLICT (tenant_id, dedupe_key, target) DO NOTHING`,
        [
          randomUUID(),
          escalation.tenantId,
          escalation.dedupeKey,
          target,
          JSON.stringify(escalation),
          now,
        ],
      );
    }
  }

  async claim(
    which: 'due' | 'lapsed',
    now: Date,
    leaseMs: number,
    limit: number,
  ): Promise<ClaimedNotice[]> {
    const where =
      which === 'due'
        ? `state = 'queued' AND next_attempt_at <= $1`
        : `state = 'sending' AND lease_expires_at <= $1`;
    // Every tenant's notices: the job's policy lets it read and lease them, nothing else.
    const rows = await inJobTransaction(
      this.dataSource,
      DispatchJobs.CoordinatorNotices,
      (manager) =>
        manager.query<NoticeRow[]>(
          `WITH picked AS (
         SELECT id FROM coordinator_notice WHERE ${where}
         ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE coordinator_notice n
         SET state = 'sending', lease_expires_at = $2,
             attempts = n.attempts + CASE WHEN n.state = 'queued' THEN 1 ELSE 0 END,
             first_attempt_at = COALESCE(n.first_attempt_at, $1)
         FROM picked WHERE n.id = picked.id
         RETURNING n.*)
       SELECT * FROM claimed`,
          [now, new Date(now.getTime() + leaseMs), limit],
        ),
    );
    return rows.map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      target: row.target,
      content: row.content,
      attempts: row.attempts,
      firstAttemptAt: row.first_attempt_at,
      leaseExpiresAt: row.lease_expires_at,
    }));
  }

  async finish(
    claim: ClaimedNotice,
    outcome:
      | { state: 'sent'; at: Date }
      | { state: 'failed'; errorCode: string }
      | { state: 'queued'; at: Date; errorCode: string }
      | { state: 'sending'; at: Date; errorCode: string },
  ): Promise<void> {
    const params: unknown[] = [claim.id, claim.leaseExpiresAt];
    let set: string;
    switch (outcome.state) {
      case 'sent':
        set = `state = 'sent', sent_at = $3, lease_expires_at = NULL, last_error = NULL`;
        params.push(outcome.at);
        break;
      case 'failed':
        set = `state = 'failed', lease_expires_at = NULL, last_error = $3`;
        params.push(outcome.errorCode);
        break;
      case 'queued':
        set = `state = 'queued', next_attempt_at = $3, lease_expires_at = NULL, last_error = $4`;
        params.push(outcome.at, outcome.errorCode);
        break;
      case 'sending':
        // Outcome unknown: reconcile once the lease lapses, never send blind.
        set = `lease_expires_at = $3, last_error = $4`;
        params.push(outcome.at, outcome.errorCode);
        break;
    }
    await tenantQuery(
      this.dataSource,
      claim.tenantId,
      `UPDATE coordinator_notice SET ${set}
       WHERE id = $1 AND state = 'sending' AND lease_expires_at = $2`,
      params,
    );
  }
}
