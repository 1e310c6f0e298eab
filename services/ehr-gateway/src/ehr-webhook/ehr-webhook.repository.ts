import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import {
  inJobTransaction,
  inTenantTransaction,
  KafkaJobs,
  OutboxWriter,
} from '@caredispatch/kafka';

import { findOwnWriteBack, type OwnWriteBack } from '../write-back/write-back.repository';

import { type EhrAppointmentEvent } from './appointment-events';
import { AppointmentStateEntity } from './appointment-state.entity';
import { type AppointmentStateSnapshot } from './classification/classify-appointment-change';
import { WebhookDeliveryEntity, type WebhookDeliveryOutcome } from './webhook-delivery.entity';

export interface AppointmentKey {
  readonly tenantId: string;
  readonly ehrAppointmentId: string;
}

export interface DeliveryRecord {
  readonly tenantId: string;
  readonly webhookId: string;
  readonly ehrAppointmentId: string;
  readonly outcome: WebhookDeliveryOutcome;
  readonly eventId: string | null;
  readonly correlationId: string;
  readonly webhookTimestamp: Date;
  readonly expiresAt: Date;
}

/** The database operations of one delivery, all inside one transaction. */
export interface DeliveryTransaction {
  /** Reads the appointment's state and holds its row lock until commit. */
  lockState(key: AppointmentKey): Promise<AppointmentStateSnapshot | undefined>;
  saveState(key: AppointmentKey, state: AppointmentStateSnapshot, isNew: boolean): Promise<void>;
  /** Stages the event in the outbox; it is published if and only if the transaction commits. */
  publish(event: EhrAppointmentEvent): Promise<string>;
  recordDelivery(record: DeliveryRecord): Promise<void>;
  /** The write-back of ours this version is the echo of, if any. */
  findOwnWriteBack(
    key: AppointmentKey,
    incoming: { versionId: string | undefined; lifecycle: string; start: Date; end: Date },
    now: Date,
  ): Promise<OwnWriteBack | undefined>;
}

// A first sighting has no row to lock: two concurrent first sightings both try to insert;
// the loser's INSERT waits for the winner, does nothing, and the whole transaction reruns,
// now seeing (and locking) the winner's row. Conflicts are handled with ON CONFLICT rather
// than caught errors so no expected race ever surfaces as a logged query failure.
const MAX_ATTEMPTS = 3;

/**
 * The delivery's webhook-id was committed by a concurrent request: the transaction is rolled
 * back and the caller answers `duplicate`.
 */
export class WebhookIdAlreadyRecorded extends Error {
  override readonly name = 'WebhookIdAlreadyRecorded';
}

/** Thrown inside the transaction to roll it back and rerun it. */
class FirstSightingRaceLost extends Error {
  override readonly name = 'FirstSightingRaceLost';
}

@Injectable()
export class EhrWebhookRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Cheap early check; the primary key inside the transaction is what actually guarantees it. */
  async isKnownDelivery(tenantId: string, webhookId: string): Promise<boolean> {
    return inTenantTransaction(this.dataSource, tenantId, (manager) =>
      manager.exists(WebhookDeliveryEntity, { where: { tenantId, webhookId } }),
    );
  }

  /**
   * Everything the tenant's transaction will need beyond its own connection (the data key its
   * outbox payload is sealed with), loaded before it opens: see OutboxWriter.prepare.
   */
  async prepareToPublish(tenantId: string): Promise<void> {
    await this.outbox.prepare(tenantId);
  }

  /**
   * Runs `work` in one transaction: webhook id row, appointment state and outbox row commit
   * together or not at all. `work` must depend only on what it reads, because a lost race
   * on a first sighting reruns it. Row-level security scopes it to `tenantId`.
   */
  async inTransaction<T>(
    tenantId: string,
    work: (transaction: DeliveryTransaction) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTenantTransaction(this.dataSource, tenantId, (manager) =>
          work(this.bind(manager)),
        );
      } catch (error) {
        if (!(error instanceof FirstSightingRaceLost) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Deletes up to `limit` expired webhook ids of every tenant (as the retention job). */
  async pruneExpiredDeliveries(now: Date, limit: number): Promise<number> {
    const deleted: unknown = await inJobTransaction(this.dataSource, KafkaJobs.Retention, (m) =>
      m.query(
        `DELETE FROM ehr_webhook_delivery WHERE ctid IN (
           SELECT ctid FROM ehr_webhook_delivery WHERE expires_at < $1 LIMIT $2)`,
        [now, limit],
      ),
    );
    // pg returns [rows, rowCount] for DELETE through TypeORM's query().
    return Array.isArray(deleted) && typeof deleted[1] === 'number' ? deleted[1] : 0;
  }

  private bind(manager: EntityManager): DeliveryTransaction {
    return {
      lockState: async ({ tenantId, ehrAppointmentId }) => {
        const row = await manager.findOne(AppointmentStateEntity, {
          where: { tenantId, ehrAppointmentId },
          lock: { mode: 'pessimistic_write' },
        });
        return row ? toSnapshot(row) : undefined;
      },
      saveState: async ({ tenantId, ehrAppointmentId }, state, isNew) => {
        const values = [
          tenantId,
          ehrAppointmentId,
          state.sequence,
          state.versionId ?? null,
          state.contentHash,
          state.lifecycle,
          state.start,
          state.end,
          state.sourceUpdatedAt ?? null,
        ];
        if (!isNew) {
          await manager.query(
            `UPDATE ehr_appointment_state
             SET sequence = $3, ehr_version = $4, content_hash = $5, lifecycle = $6,
                 start_at = $7, end_at = $8, source_updated_at = $9, updated_at = now()
             WHERE tenant_id = $1 AND ehr_appointment_id = $2`,
            values,
          );
          return;
        }
        const inserted: unknown = await manager.query(
          `INSERT INTO ehr_appointment_state
             (tenant_id, ehr_appointment_id, sequence, ehr_version, content_hash, lifecycle,
              start_at, end_at, source_updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT ON CONSTRAINT "PK_ehr_appointment_state" DO NOTHING
           RETURNING 1`,
          values,
        );
        if (rowCount(inserted) === 0) throw new FirstSightingRaceLost();
      },
      publish: async (event) => (await this.outbox.append(manager, event)).eventId,
      findOwnWriteBack: (key, incoming, now) => findOwnWriteBack(manager, key, incoming, now),
      recordDelivery: async (record) => {
        const inserted: unknown = await manager.query(
          `INSERT INTO ehr_webhook_delivery
             (tenant_id, webhook_id, ehr_appointment_id, outcome, event_id, correlation_id,
              webhook_timestamp, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT ON CONSTRAINT "PK_ehr_webhook_delivery" DO NOTHING
           RETURNING 1`,
          [
            record.tenantId,
            record.webhookId,
            record.ehrAppointmentId,
            record.outcome,
            record.eventId,
            record.correlationId,
            record.webhookTimestamp,
            record.expiresAt,
          ],
        );
        // The same webhook id committed concurrently: a replay that raced the first delivery.
        // Throwing rolls back the state change and the outbox row with it.
        if (rowCount(inserted) === 0) throw new WebhookIdAlreadyRecorded();
      },
    };
  }
}

/** Rows returned by an INSERT ... RETURNING through TypeORM's query(). */
function rowCount(result: unknown): number {
  return Array.isArray(result) ? result.length : 0;
}

function toSnapshot(row: AppointmentStateEntity): AppointmentStateSnapshot {
  return {
    sequence: row.sequence,
    versionId: row.ehrVersion ?? undefined,
    contentHash: row.contentHash,
    lifecycle: row.lifecycle,
    start: row.startAt,
    end: row.endAt,
    sourceUpdatedAt: row.sourceUpdatedAt ?? undefined,
  };
}
