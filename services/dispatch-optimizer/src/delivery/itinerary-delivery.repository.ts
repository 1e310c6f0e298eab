import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { inJobTransaction } from '@caredispatch/kafka';

import { type ItineraryChannelKind } from '../roster/roster.model';
import { asTenant, DispatchJobs, tenantQuery } from '../tenancy';

/** A delivery to queue: one per provider of a published plan version. */
export interface NewDelivery {
  readonly tenantId: string;
  readonly planId: string;
  readonly planVersion: number;
  readonly providerId: string;
  readonly days: readonly string[];
  readonly revised: boolean;
  readonly channel: ItineraryChannelKind;
  /** Not sent before this (the end of the provider's quiet time); unset = at once. */
  readonly notBefore?: Date;
}

/** A delivery this sender holds (state `sending`, lease running). */
export interface ClaimedDelivery extends NewDelivery {
  readonly id: string;
  readonly attempts: number;
  readonly firstAttemptAt: Date;
  readonly leaseExpiresAt: Date;
}

export interface SentReceipt {
  /** Slack channel id, or the email recipient domain-less marker `email`. */
  readonly externalChannel: string;
  /** Slack message ts, or the email Message-ID. */
  readonly externalId: string;
  readonly threadOf: string | null;
}

interface DeliveryRow {
  id: string;
  tenant_id: string;
  plan_id: string;
  plan_version: number;
  provider_id: string;
  days: string[];
  revised: boolean;
  channel: ItineraryChannelKind;
  attempts: number;
  first_attempt_at: Date;
  lease_expires_at: Date;
}

/** Durable itinerary deliveries: claim with a lease, call, then record (see ItineraryDeliverer). */
@Injectable()
export class ItineraryDeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The sender's claims read and lease every tenant's deliveries; the rest is per tenant. */
  private asDeliveryJob<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inJobTransaction(this.dataSource, DispatchJobs.ItineraryDelivery, work);
  }

  /** Queues deliveries in the caller's transaction; an existing (plan version, provider) is kept. */
  async enqueue(
    manager: EntityManager,
    deliveries: readonly NewDelivery[],
    now: Date,
  ): Promise<number> {
    let queued = 0;
    for (const d of deliveries) {
      const rows = await rowsOf<{ id: string }>(
        manager,
        `INSERT INTO itinerary_delivery
           (id, tenant_id, plan_id, plan_version, provider_id, days, revised, channel, state,
            attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $10, $9)
         ON CONFLICT (tenant_id, plan_id, plan_version, provider_id) DO NOTHING
         RETURNING id`,
        [
          randomUUID(),
          d.tenantId,
          d.planId,
          d.planVersion,
          d.providerId,
          [...d.days],
          d.revised,
          d.channel,
          now,
          d.notBefore ?? now,
        ],
      );
      queued += rows.length;
    }
    return queued;
  }

  async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    const rows = await this.asDeliveryJob((manager) =>
      rowsOf<DeliveryRow>(
        manager,
        `WITH due AS (
         SELECT id FROM itinerary_delivery
         WHERE state = 'queued' AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $3
         FOR UPDATE SKIP LOCKED)
       UPDATE itinerary_delivery d
       SET state = 'sending', lease_expires_at = $2, attempts = d.attempts + 1,
           first_attempt_at = COALESCE(d.first_attempt_at, $1)
       FROM due WHERE d.id = due.id
       RETURNING d.*`,
        [now, new Date(now.getTime() + leaseMs), limit],
      ),
    );
    return rows.map(toClaimed);
  }

  /** Deliveries whose sender crashed or whose call's outcome is unknown: reconcile before resending. */
  async claimExpiredLeases(now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    const rows = await this.asDeliveryJob((manager) =>
      rowsOf<DeliveryRow>(
        manager,
        `WITH expired AS (
         SELECT id FROM itinerary_delivery
         WHERE state = 'sending' AND lease_expires_at <= $1
         ORDER BY lease_expires_at LIMIT $3
         FOR UPDATE SKIP LOCKED)
       UPDATE itinerary_delivery d SET lease_expires_at = $2
       FROM expired WHERE d.id = expired.id
       RETURNING d.*`,
        [now, new Date(now.getTime() + leaseMs), limit],
      ),
    );
    return rows.map(toClaimed);
  }

  /** Records the send if we still hold the claim; false when another sender took it over. */
  async markSent(
    manager: EntityManager,
    claim: ClaimedDelivery,
    receipt: SentReceipt,
    now: Date,
  ): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      manager,
      `UPDATE itinerary_delivery
       SET state = 'sent', sent_at = $3, lease_expires_at = NULL, last_error = NULL,
           external_channel = $4, external_id = $5, thread_of = $6
       WHERE id = $1 AND state = 'sending' AND lease_expires_at = $2
       RETURNING id`,
      [
        claim.id,
        claim.leaseExpiresAt,
        now,
        receipt.externalChannel,
        receipt.externalId,
        receipt.threadOf,
      ],
    );
    return rows.length === 1;
  }

  async requeue(claim: ClaimedDelivery, at: Date, errorCode: string): Promise<void> {
    await tenantQuery(
      this.dataSource,
      claim.tenantId,
      `UPDATE itinerary_delivery
       SET state = 'queued', next_attempt_at = $3, lease_expires_at = NULL, last_error = $4
       WHERE id = $1 AND state = 'sending' AND lease_expires_at = $2`,
      [claim.id, claim.leaseExpiresAt, at, errorCode],
    );
  }

  /** Keeps the claim in `sending` until `at`: then it is reconciled, never sent blind. */
  async deferToReconciliation(claim: ClaimedDelivery, at: Date, errorCode: string): Promise<void> {
    await tenantQuery(
      this.dataSource,
      claim.tenantId,
      `UPDATE itinerary_delivery SET lease_expires_at = $3, last_error = $4
       WHERE id = $1 AND state = 'sending' AND lease_expires_at = $2`,
      [claim.id, claim.leaseExpiresAt, at, errorCode],
    );
  }

  async markFailed(
    manager: EntityManager,
    claim: ClaimedDelivery,
    errorCode: string,
  ): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      manager,
      `UPDATE itinerary_delivery SET state = 'failed', lease_expires_at = NULL, last_error = $3
       WHERE id = $1 AND state = 'sending' AND lease_expires_at = $2
       RETURNING id`,
      [claim.id, claim.leaseExpiresAt, errorCode],
    );
    return rows.length === 1;
  }

  /**
   * The provider's first Slack itinerary of this plan that went out as a top-level message:
   * deltas thread under it so the conversation keeps one plan's story together.
   */
  async originalSlackMessage(
    tenantId: string,
    planId: string,
    providerId: string,
  ): Promise<{ channel: string; ts: string } | null> {
    const rows = await asTenant(this.dataSource, tenantId, (manager) =>
      rowsOf<{ external_channel: string; external_id: string }>(
        manager,
        `SELECT external_channel, external_id FROM itinerary_delivery
       WHERE tenant_id = $1 AND plan_id = $2 AND provider_id = $3 AND state = 'sent'
         AND channel = 'slack' AND thread_of IS NULL
       ORDER BY plan_version LIMIT 1`,
        [tenantId, planId, providerId],
      ),
    );
    const row = rows.at(0);
    return row ? { channel: row.external_channel, ts: row.external_id } : null;
  }
}

function toClaimed(row: DeliveryRow): ClaimedDelivery {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    planId: row.plan_id,
    planVersion: row.plan_version,
    providerId: row.provider_id,
    days: row.days,
    revised: row.revised,
    channel: row.channel,
    attempts: row.attempts,
    firstAttemptAt: row.first_attempt_at,
    leaseExpiresAt: row.lease_expires_at,
  };
}

/** `UPDATE … RETURNING` through TypeORM answers [rows, count]; plain SELECT/INSERT answers rows. */
async function rowsOf<Row>(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const result = (await manager.query(sql, params)) as unknown;
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as Row[];
  }
  return result as Row[];
}
