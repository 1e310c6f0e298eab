import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { MessageState, parseMessageState } from './message-state';
import { MessageChannel, MessageEntity, MessagePurpose } from './message.entity';

/** NOTIFY channel that wakes the sender as soon as a queued message commits. */
export const MESSAGE_DUE_CHANNEL = 'message_due';

export interface NewMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly appointmentId: string;
  readonly revision: number;
  readonly purpose: MessagePurpose;
  readonly state: MessageState.Queued | MessageState.Suppressed;
  readonly toE164: string | null;
  readonly body: string | null;
  readonly suppressionReason: string | null;
  readonly correlationId: string;
  readonly lastEventId: string;
  readonly traceparent: string;
  readonly now: Date;
}

/** A message a sender holds; `claimToken` proves the hold when recording the outcome. */
export interface ClaimedMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly appointmentId: string;
  readonly purpose: MessagePurpose;
  readonly channel: MessageChannel;
  readonly toE164: string;
  readonly body: string;
  readonly attempts: number;
  readonly firstAttemptAt: Date;
  readonly claimToken: string;
  readonly correlationId: string;
  readonly lastEventId: string;
  readonly traceparent: string;
}

interface MessageRow {
  id: string;
  tenant_id: string;
  appointment_id: string;
  revision: number;
  purpose: string;
  channel: string;
  state: string;
  to_e164: string | null;
  body: string | null;
  suppression_reason: string | null;
  provider_message_id: string | null;
  error_code: string | null;
  attempts: number;
  next_attempt_at: Date;
  first_attempt_at: Date | null;
  claim_token: string | null;
  lease_expires_at: Date | null;
  correlation_id: string;
  last_event_id: string;
  traceparent: string;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
}

/**
 * All SQL on `message` and `appointment_revision`. Methods taking an EntityManager run in
 * the caller's transaction (so outbox rows commit with them); the sender's claim methods are
 * single statements and commit on their own — that commit is what makes a claim visible to
 * crash recovery.
 */
@Injectable()
export class MessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records `revision` as the newest seen for the appointment. False when an equal or newer
   * revision was already recorded: the event is a duplicate or arrived out of order.
   */
  async advanceRevision(
    manager: EntityManager,
    input: {
      tenantId: string;
      appointmentId: string;
      revision: number;
      cancelled: boolean;
      now: Date;
    },
  ): Promise<boolean> {
    const rows = await rowsOf<{ revision: number }>(
      manager,
      `INSERT INTO appointment_revision (tenant_id, appointment_id, revision, cancelled, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, appointment_id) DO UPDATE
         SET revision = EXCLUDED.revision, cancelled = EXCLUDED.cancelled, updated_at = EXCLUDED.updated_at
         WHERE appointment_revision.revision < EXCLUDED.revision
       RETURNING revision`,
      [input.tenantId, input.appointmentId, input.revision, input.cancelled, input.now],
    );
    return rows.length === 1;
  }

  /** Cancels messages of older revisions that no sender has claimed yet; returns them. */
  async cancelUnsent(
    manager: EntityManager,
    input: { tenantId: string; appointmentId: string; beforeRevision: number; now: Date },
  ): Promise<MessageEntity[]> {
    // A row a sender holds in `sending` is locked or already committed as sending; the
    // state filter is re-checked after the lock wait, so an in-flight message is never
    // reported as cancelled.
    const rows = await rowsOf<MessageRow>(
      manager,
      `WITH cancelled AS (
         UPDATE message SET state = 'cancelled', updated_at = $4
         WHERE tenant_id = $1 AND appointment_id = $2 AND revision < $3 AND state = 'queued'
         RETURNING *)
       SELECT * FROM cancelled`,
      [input.tenantId, input.appointmentId, input.beforeRevision, input.now],
    );
    return rows.map(toEntity);
  }

  /**
   * Inserts unless the idempotency key exists. True when this call created the row. A new
   * queued row is due at once, so the same statement NOTIFYs MESSAGE_DUE_CHANNEL, which is
   * delivered only when (and if) the caller's transaction commits.
   */
  async insertIfAbsent(manager: EntityManager, message: NewMessage): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      manager,
      `WITH inserted AS (
         INSERT INTO message (id, tenant_id, appointment_id, revision, purpose, channel, state, to_e164, body,
                              suppression_reason, next_attempt_at, correlation_id, last_event_id, traceparent,
                              created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $11, $11)
         ON CONFLICT (tenant_id, appointment_id, revision, purpose) DO NOTHING
         RETURNING id, state)
       SELECT id, CASE WHEN state = 'queued' THEN pg_notify($15, '')::text END AS woken FROM inserted`,
      [
        message.id,
        message.tenantId,
        message.appointmentId,
        message.revision,
        message.purpose,
        MessageChannel.Sms,
        message.state,
        message.toE164,
        message.body,
        message.suppressionReason,
        message.now,
        message.correlationId,
        message.lastEventId,
        message.traceparent,
        MESSAGE_DUE_CHANNEL,
      ],
    );
    return rows.length === 1;
  }

  async setLastEventId(manager: EntityManager, id: string, eventId: string): Promise<void> {
    await manager.query(`UPDATE message SET last_event_id = $2 WHERE id = $1`, [id, eventId]);
  }

  /** Claims up to `limit` due queued messages (skipping rows other senders hold). */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedMessage[]> {
    const rows = await rowsOf<MessageRow>(
      this.dataSource.manager,
      `WITH due AS (
         SELECT id FROM message
         WHERE state = 'queued' AND next_attempt_at <= $1
         ORDER BY next_attempt_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE message m
         SET state = 'sending', claim_token = gen_random_uuid(), lease_expires_at = $2,
             attempts = m.attempts + 1, first_attempt_at = COALESCE(m.first_attempt_at, $1), updated_at = $1
         FROM due WHERE m.id = due.id
         RETURNING m.*)
       SELECT * FROM claimed`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map(toClaimed);
  }

  /**
   * Takes over messages whose sender's lease ran out — it crashed, or its call's outcome is
   * unknown — so they can be reconciled with the provider before anything is re-sent.
   */
  async claimExpiredLeases(now: Date, leaseMs: number, limit: number): Promise<ClaimedMessage[]> {
    const rows = await rowsOf<MessageRow>(
      this.dataSource.manager,
      `WITH expired AS (
         SELECT id FROM message
         WHERE state = 'sending' AND lease_expires_at <= $1
         ORDER BY lease_expires_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE message m
         SET claim_token = gen_random_uuid(), lease_expires_at = $2, updated_at = $1
         FROM expired WHERE m.id = expired.id
         RETURNING m.*)
       SELECT * FROM claimed`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map(toClaimed);
  }

  /** Records the provider's acceptance; undefined when the claim was lost to another sender. */
  async markSent(
    manager: EntityManager,
    claim: ClaimedMessage,
    providerMessageId: string,
    now: Date,
  ): Promise<MessageEntity | undefined> {
    const rows = await rowsOf<MessageRow>(
      manager,
      `WITH sent AS (
         UPDATE message
         SET state = 'sent', provider_message_id = $3, sent_at = $4, updated_at = $4,
             claim_token = NULL, lease_expires_at = NULL, error_code = NULL
         WHERE id = $1 AND claim_token = $2 AND state = 'sending'
         RETURNING *)
       SELECT * FROM sent`,
      [claim.id, claim.claimToken, providerMessageId, now],
    );
    return rows.length === 1 ? toEntity(rows[0]) : undefined;
  }

  async markFailed(
    manager: EntityManager,
    claim: ClaimedMessage,
    errorCode: string,
    now: Date,
  ): Promise<MessageEntity | undefined> {
    const rows = await rowsOf<MessageRow>(
      manager,
      `WITH failed AS (
         UPDATE message
         SET state = 'failed', error_code = $3, updated_at = $4, claim_token = NULL, lease_expires_at = NULL
         WHERE id = $1 AND claim_token = $2 AND state = 'sending'
         RETURNING *)
       SELECT * FROM failed`,
      [claim.id, claim.claimToken, errorCode, now],
    );
    return rows.length === 1 ? toEntity(rows[0]) : undefined;
  }

  /** Back to `queued`: the provider certainly does not have the message. */
  async requeue(
    claim: ClaimedMessage,
    nextAttemptAt: Date,
    errorCode: string,
    now: Date,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE message
       SET state = 'queued', next_attempt_at = $3, error_code = $4, updated_at = $5,
           claim_token = NULL, lease_expires_at = NULL
       WHERE id = $1 AND claim_token = $2 AND state = 'sending'`,
      [claim.id, claim.claimToken, nextAttemptAt, errorCode, now],
    );
  }

  /**
   * Keeps the message in `sending` but lets the lease lapse at `reconcileAt`: its outcome is
   * unknown, so recovery must ask the provider before it is sent again.
   */
  async deferToReconciliation(
    claim: ClaimedMessage,
    reconcileAt: Date,
    errorCode: string,
    now: Date,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE message SET lease_expires_at = $3, error_code = $4, updated_at = $5
       WHERE id = $1 AND claim_token = $2 AND state = 'sending'`,
      [claim.id, claim.claimToken, reconcileAt, errorCode, now],
    );
  }

  /** Which of these provider ids already belong to a message. */
  async knownProviderMessageIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await rowsOf<{ provider_message_id: string }>(
      this.dataSource.manager,
      `SELECT provider_message_id FROM message WHERE provider_message_id = ANY($1::text[])`,
      [ids],
    );
    return new Set(rows.map((row) => row.provider_message_id));
  }

  /** Locks the message for a status update; callbacks for one message are applied one at a time. */
  async lockByProviderMessageId(
    manager: EntityManager,
    providerMessageId: string,
  ): Promise<MessageEntity | undefined> {
    const rows = await rowsOf<MessageRow>(
      manager,
      `SELECT * FROM message WHERE provider_message_id = $1 FOR UPDATE`,
      [providerMessageId],
    );
    return rows.length === 1 ? toEntity(rows[0]) : undefined;
  }

  async applyProviderStatus(
    manager: EntityManager,
    input: { id: string; state: MessageState; errorCode: string | null; now: Date },
  ): Promise<void> {
    await manager.query(
      `UPDATE message
       SET state = $2, error_code = COALESCE($3, error_code), updated_at = $4,
           delivered_at = CASE WHEN $2 = 'delivered' THEN $4 ELSE delivered_at END
       WHERE id = $1`,
      [input.id, input.state, input.errorCode, input.now],
    );
  }

  async findById(id: string): Promise<MessageEntity | undefined> {
    const rows = await rowsOf<MessageRow>(
      this.dataSource.manager,
      `SELECT * FROM message WHERE id = $1`,
      [id],
    );
    return rows.length === 1 ? toEntity(rows[0]) : undefined;
  }

  newId(): string {
    return randomUUID();
  }
}

/** SELECTs (and CTE-wrapped UPDATEs) come back from TypeORM's pg driver as plain row arrays. */
async function rowsOf<Row>(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const result: unknown = await manager.query(sql, params);
  if (!Array.isArray(result)) throw new Error('expected rows from query');
  return result as Row[];
}

function toEntity(row: MessageRow): MessageEntity {
  const entity = new MessageEntity();
  entity.id = row.id;
  entity.tenantId = row.tenant_id;
  entity.appointmentId = row.appointment_id;
  entity.revision = row.revision;
  entity.purpose = parsePurpose(row.purpose);
  entity.channel = parseChannel(row.channel);
  entity.state = parseMessageState(row.state);
  entity.toE164 = row.to_e164;
  entity.body = row.body;
  entity.suppressionReason = row.suppression_reason;
  entity.providerMessageId = row.provider_message_id;
  entity.errorCode = row.error_code;
  entity.attempts = row.attempts;
  entity.nextAttemptAt = row.next_attempt_at;
  entity.firstAttemptAt = row.first_attempt_at;
  entity.claimToken = row.claim_token;
  entity.leaseExpiresAt = row.lease_expires_at;
  entity.correlationId = row.correlation_id;
  entity.lastEventId = row.last_event_id;
  entity.traceparent = row.traceparent;
  entity.createdAt = row.created_at;
  entity.updatedAt = row.updated_at;
  entity.sentAt = row.sent_at;
  entity.deliveredAt = row.delivered_at;
  return entity;
}

function toClaimed(row: MessageRow): ClaimedMessage {
  if (
    row.to_e164 === null ||
    row.body === null ||
    row.claim_token === null ||
    row.first_attempt_at === null
  ) {
    // ck_message_sendable / ck_message_sending_claimed make this unreachable.
    throw new Error(`claimed message ${row.id} is not sendable`);
  }
  return {
    id: row.id,
    tenantId: row.tenant_id,
    appointmentId: row.appointment_id,
    purpose: parsePurpose(row.purpose),
    channel: parseChannel(row.channel),
    toE164: row.to_e164,
    body: row.body,
    attempts: row.attempts,
    firstAttemptAt: row.first_attempt_at,
    claimToken: row.claim_token,
    correlationId: row.correlation_id,
    lastEventId: row.last_event_id,
    traceparent: row.traceparent,
  };
}

function parsePurpose(value: string): MessagePurpose {
  if (value !== (MessagePurpose.Confirmation as string))
    throw new Error(`unknown purpose '${value}'`);
  return MessagePurpose.Confirmation;
}

function parseChannel(value: string): MessageChannel {
  if (value !== (MessageChannel.Sms as string)) throw new Error(`unknown channel '${value}'`);
  return MessageChannel.Sms;
}
