import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { inJobTransaction, inTenantTransaction } from '@caredispatch/kafka';
import { BlindIndex, PhiCipher } from '@caredispatch/phi-crypto';

import { messageField } from './message-phi';
import { MessageState, parseMessageState } from './message-state';
import { MessageChannel, MessageEntity, MessagePurpose } from './message.entity';
import { MessagingJobs } from './messaging-jobs';

/** NOTIFY channel that wakes the sender as soon as a queued message commits. */
export const MESSAGE_DUE_CHANNEL = 'message_due';

export interface NewMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly appointmentId: string;
  readonly revision: number;
  /** Null for a reply, which is about no visit time. */
  readonly appointmentStart: Date | null;
  readonly purpose: MessagePurpose;
  readonly state: MessageState.Queued | MessageState.Suppressed;
  readonly toE164: string | null;
  readonly body: string | null;
  readonly suppressionReason: string | null;
  readonly correlationId: string;
  readonly lastEventId: string;
  readonly traceparent: string;
  readonly now: Date;
  /** Reminders: the cadence step (part of the idempotency key) and when it falls due. */
  readonly stepKey?: string;
  readonly dueAt?: Date;
  /** scheduling's patient uuid: whose consent the sender checks, whom a reply comes from. */
  readonly patientId?: string | null;
  /** Default SMS; for an email, `toE164` is the address and `body` its serialized content. */
  readonly channel?: MessageChannel;
  /** A reminder text's email stand-in (see MessageEntity.fallbackTo). */
  readonly fallbackTo?: string | null;
  readonly fallbackBody?: string | null;
}

/** The newest message sent to a number, for matching an inbound reply to it. */
export interface ReplyTarget {
  readonly messageId: string;
  readonly tenantId: string;
  readonly appointmentId: string;
  readonly revision: number;
  readonly patientId: string | null;
  readonly ehrAppointmentId: string | null;
  /** The appointment is current (this revision), not cancelled and still ahead. */
  readonly open: boolean;
  /** The text answered is a waitlist offer (`appointmentId` is then the offer id). */
  readonly waitlistOffer?: boolean;
}

/**
 * A message a sender holds; `claimToken` proves the hold when recording the outcome. It
 * carries the appointment's newest revision as of the claim, so the sender decides on what
 * is true now, not on what was true when the message was queued.
 */
export interface ClaimedMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly appointmentId: string;
  readonly revision: number;
  readonly appointmentStart: Date | null;
  readonly latestRevision: number | null;
  readonly appointmentCancelled: boolean;
  /** The patient's consent record for the message's channel says withdrawn (as of the claim). */
  readonly consentWithdrawn: boolean;
  /** A text whose number the tenant has marked undeliverable (Twilio 30003/30006). */
  readonly numberUndeliverable: boolean;
  readonly stepKey: string;
  readonly patientId: string | null;
  readonly toLookupHash: string | null;
  readonly fallbackTo: string | null;
  readonly fallbackBody: string | null;
  /** When this hold ends unless renewed; for a send attempt, when no answer can be in flight any more. */
  readonly leaseExpiresAt: Date;
  readonly purpose: MessagePurpose;
  readonly channel: MessageChannel;
  readonly toE164: string;
  readonly body: string;
  readonly attempts: number;
  readonly firstAttemptAt: Date;
  /** When the newest attempt started (a lapsed lease's attempt may still be listed late). */
  readonly lastAttemptAt: Date;
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
  appointment_start: Date | null;
  step_key: string;
  purpose: string;
  channel: string;
  state: string;
  to_e164: string | null;
  body: string | null;
  patient_id: string | null;
  to_lookup_hash: string | null;
  fallback_to: string | null;
  fallback_body: string | null;
  suppression_reason: string | null;
  provider_message_id: string | null;
  error_code: string | null;
  attempts: number;
  next_attempt_at: Date;
  first_attempt_at: Date | null;
  last_attempt_at: Date | null;
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

/** A claimed row with the appointment's newest revision joined in. */
interface ClaimedRow extends MessageRow {
  latest_revision: number | null;
  appointment_cancelled: boolean | null;
  consent_state: string | null;
  number_undeliverable: boolean;
}

/** A provider status report held until its message's provider id is recorded. */
export interface EarlyStatusReport {
  readonly providerStatus: string;
  readonly transition: string;
  readonly errorCode: string | null;
  /** Our message id, when the callback URL named it (see MessageSender's StatusCallback URL). */
  readonly messageId: string | null;
}

/**
 * The claimed rows with the appointment's newest revision (appointment_revision is not
 * modified here), the patient's consent to the channel (consent is checked at send time) and
 * whether a text's number is marked undeliverable.
 */
const WITH_LATEST_REVISION = `
  SELECT c.*, r.revision AS latest_revision, r.cancelled AS appointment_cancelled,
         k.state AS consent_state, (u.to_lookup_hash IS NOT NULL) AS number_undeliverable
  FROM claimed c
  LEFT JOIN appointment_revision r ON r.tenant_id = c.tenant_id AND r.appointment_id = c.appointment_id
  LEFT JOIN consent k ON k.tenant_id = c.tenant_id AND k.patient_id = c.patient_id AND k.channel = c.channel
  LEFT JOIN undeliverable_number u
    ON c.channel = 'sms' AND u.tenant_id = c.tenant_id AND u.to_lookup_hash = c.to_lookup_hash`;

/**
 * All SQL on `message` and `appointment_revision`. Methods taking an EntityManager run in
 * the caller's transaction (so outbox rows commit with them); the sender's claim methods are
 * single statements and commit on their own — that commit is what makes a claim visible to
 * crash recovery. Row-level security: claims run as the sender job across tenants; anything
 * about one claimed message runs scoped to its tenant.
 */
@Injectable()
export class MessageRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: PhiCipher,
    private readonly blindIndex: BlindIndex,
  ) {}

  /** The per-tenant blind index of a number; null when it is not a usable E.164 number. */
  lookupHash(tenantId: string, e164: string | null): string | null {
    if (e164 === null || !/^\+[1-9]\d{6,14}$/.test(e164)) return null;
    return this.blindIndex.phoneLookupHash(tenantId, e164);
  }

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
      ehrAppointmentId?: string;
    },
  ): Promise<boolean> {
    const rows = await rowsOf<{ revision: number }>(
      manager,
      `INSERT INTO appointment_revision (tenant_id, appointment_id, revision, cancelled, updated_at, ehr_appointment_id)
       VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''))
       ON CONFLICT (tenant_id, appointment_id) DO UPDATE
         SET revision = EXCLUDED.revision, cancelled = EXCLUDED.cancelled, updated_at = EXCLUDED.updated_at,
             ehr_appointment_id = COALESCE(EXCLUDED.ehr_appointment_id, appointment_revision.ehr_appointment_id)
         WHERE appointment_revision.revision < EXCLUDED.revision
       RETURNING revision`,
      [
        input.tenantId,
        input.appointmentId,
        input.revision,
        input.cancelled,
        input.now,
        input.ehrAppointmentId ?? '',
      ],
    );
    return rows.length === 1;
  }

  /**
   * Cancels messages of older revisions that no sender has claimed yet; returns them. A
   * message a sender holds (`sending`: its outcome may be unknown) is left to the sender,
   * which reconciles it with the provider and then records it as sent or withdraws it.
   * `keepReplies`: a reply answers something the patient did (e.g. "the office changed your
   * visit, so your answer was not applied"), which a newer revision does not undo — the sender
   * exempts replies from the revision rule for the same reason.
   */
  async cancelUnsent(
    manager: EntityManager,
    input: {
      tenantId: string;
      appointmentId: string;
      beforeRevision: number;
      now: Date;
      keepReplies?: boolean;
    },
  ): Promise<MessageEntity[]> {
    // A row a sender holds in `sending` is locked or already committed as sending; the
    // state filter is re-checked after the lock wait, so an in-flight message is never
    // reported as cancelled.
    const rows = await rowsOf<MessageRow>(
      manager,
      `WITH cancelled AS (
         UPDATE message SET state = 'cancelled', updated_at = $4
         WHERE tenant_id = $1 AND appointment_id = $2 AND revision < $3 AND state = 'queued'
           AND NOT ($5::boolean AND purpose = 'reply')
         RETURNING *)
       SELECT * FROM cancelled`,
      [
        input.tenantId,
        input.appointmentId,
        input.beforeRevision,
        input.now,
        input.keepReplies ?? false,
      ],
    );
    return Promise.all(rows.map((row) => this.toEntity(row)));
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
                              created_at, updated_at, appointment_start, step_key, patient_id, to_lookup_hash,
                              fallback_to, fallback_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $17, $12, $13, $14, $11, $11, $16, $18, $19, $20,
                 $21, $22)
         ON CONFLICT (tenant_id, appointment_id, revision, purpose, step_key) DO NOTHING
         RETURNING id, state)
       SELECT id, CASE WHEN state = 'queued' THEN pg_notify($15, '')::text END AS woken FROM inserted`,
      [
        message.id,
        message.tenantId,
        message.appointmentId,
        message.revision,
        message.purpose,
        message.channel ?? MessageChannel.Sms,
        message.state,
        await this.cipher.encryptNullable(
          messageField(message.tenantId, message.id, 'to_e164'),
          message.toE164,
        ),
        await this.cipher.encryptNullable(
          messageField(message.tenantId, message.id, 'body'),
          message.body,
        ),
        message.suppressionReason,
        message.now,
        message.correlationId,
        message.lastEventId,
        message.traceparent,
        MESSAGE_DUE_CHANNEL,
        message.appointmentStart,
        message.dueAt ?? message.now,
        message.stepKey ?? '',
        message.patientId ?? null,
        (message.channel ?? MessageChannel.Sms) === MessageChannel.Sms
          ? this.lookupHash(message.tenantId, message.toE164)
          : null,
        await this.cipher.encryptNullable(
          messageField(message.tenantId, message.id, 'fallback_to'),
          message.fallbackTo ?? null,
        ),
        await this.cipher.encryptNullable(
          messageField(message.tenantId, message.id, 'fallback_body'),
          message.fallbackBody ?? null,
        ),
      ],
    );
    return rows.length === 1;
  }

  /**
   * Withdraws a patient's queued messages on a channel (consent withdrawn); returns them.
   * Replies are kept: the opt-out confirmation itself must still go out. A message a sender
   * already holds re-reads consent at its claim, so it is not sent either unless it was
   * already handed to the provider.
   */
  async withdrawQueuedForPatient(
    manager: EntityManager,
    input: { tenantId: string; patientId: string; channel: MessageChannel; now: Date },
  ): Promise<MessageEntity[]> {
    const rows = await rowsOf<MessageRow>(
      manager,
      `WITH withdrawn AS (
         UPDATE message SET state = 'cancelled', updated_at = $4
         WHERE tenant_id = $1 AND patient_id = $2 AND channel = $3 AND state = 'queued'
           AND purpose <> 'reply'
         RETURNING *)
       SELECT * FROM withdrawn`,
      [input.tenantId, input.patientId, input.channel, input.now],
    );
    return Promise.all(rows.map((row) => this.toEntity(row)));
  }

  /**
   * The message an inbound reply answers: the newest one sent to any of these lookup hashes
   * (one per tenant), preferring one whose appointment is still open. Runs as the
   * inbound-sms job (row-level security shows it only texts a reply can answer).
   */
  async findReplyTarget(
    manager: EntityManager,
    lookupHashes: readonly string[],
    now: Date,
  ): Promise<ReplyTarget | undefined> {
    if (lookupHashes.length === 0) return undefined;
    const rows = await rowsOf<{
      id: string;
      tenant_id: string;
      appointment_id: string;
      revision: number;
      patient_id: string | null;
      ehr_appointment_id: string | null;
      open: boolean;
    }>(
      manager,
      `SELECT m.id, m.tenant_id, m.appointment_id, m.revision, m.patient_id, r.ehr_appointment_id,
              (NOT r.cancelled AND r.revision = m.revision
                 AND m.appointment_start IS NOT NULL AND m.appointment_start > $2) AS open
         FROM message m
         JOIN appointment_revision r ON r.tenant_id = m.tenant_id AND r.appointment_id = m.appointment_id
        WHERE m.to_lookup_hash = ANY($1::text[])
          AND m.purpose IN ('confirmation', 'reminder')
          AND m.state IN ('sent', 'delivered', 'undelivered', 'sending')
        ORDER BY open DESC, m.created_at DESC
        LIMIT 1`,
      [lookupHashes, now],
    );
    const row = rows.at(0);
    if (!row) return undefined;
    return {
      messageId: row.id,
      tenantId: row.tenant_id,
      appointmentId: row.appointment_id,
      revision: row.revision,
      patientId: row.patient_id,
      ehrAppointmentId: row.ehr_appointment_id,
      open: row.open,
    };
  }

  /**
   * Every tenant messaging has an appointment of: an inbound number is hashed once per tenant
   * (the blind index is tenant-scoped). A loose index scan over the primary key: one probe
   * per tenant, not per row. Runs as the inbound-sms job, across tenants.
   */
  async knownTenants(manager: EntityManager): Promise<string[]> {
    const rows = await rowsOf<{ tenant_id: string }>(
      manager,
      `WITH RECURSIVE tenants AS (
         (SELECT tenant_id FROM appointment_revision ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT r.tenant_id FROM appointment_revision r
                  WHERE r.tenant_id > t.tenant_id ORDER BY r.tenant_id LIMIT 1)
           FROM tenants t WHERE t.tenant_id IS NOT NULL)
       SELECT tenant_id FROM tenants WHERE tenant_id IS NOT NULL`,
      [],
    );
    return rows.map((row) => row.tenant_id);
  }

  async setLastEventId(manager: EntityManager, id: string, eventId: string): Promise<void> {
    await manager.query(`UPDATE message SET last_event_id = $2 WHERE id = $1`, [id, eventId]);
  }

  /**
   * Claims up to `limit` due queued messages, skipping rows other senders hold and messages
   * whose appointment a consumer is changing right now (its transaction holds the revision
   * row until it commits): the claim decides on the latest revision, so it must not decide
   * on the one being replaced. Every queued message has a revision row (the consumer writes
   * it first), hence the inner join.
   */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedMessage[]> {
    const rows = await this.asSender((manager) =>
      rowsOf<ClaimedRow>(
        manager,
        `WITH due AS (
         SELECT m.id FROM message m
         JOIN appointment_revision r ON r.tenant_id = m.tenant_id AND r.appointment_id = m.appointment_id
         WHERE m.state = 'queued' AND m.next_attempt_at <= $1
         ORDER BY m.next_attempt_at
         LIMIT $3
         FOR UPDATE OF m SKIP LOCKED
         FOR SHARE OF r SKIP LOCKED),
       claimed AS (
         UPDATE message m
         SET state = 'sending', claim_token = gen_random_uuid(), lease_expires_at = $2,
             attempts = m.attempts + 1, first_attempt_at = COALESCE(m.first_attempt_at, $1),
             last_attempt_at = $1, updated_at = $1
         FROM due WHERE m.id = due.id
         RETURNING m.*)
       ${WITH_LATEST_REVISION}`,
        [now, new Date(now.getTime() + leaseMs), limit],
      ),
    );
    return Promise.all(rows.map((row) => this.toClaimed(row)));
  }

  /**
   * Takes over messages whose sender's lease ran out — it crashed, or its call's outcome is
   * unknown — so they can be reconciled with the provider before anything is re-sent.
   */
  async claimExpiredLeases(now: Date, leaseMs: number, limit: number): Promise<ClaimedMessage[]> {
    const rows = await this.asSender((manager) =>
      rowsOf<ClaimedRow>(
        manager,
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
       ${WITH_LATEST_REVISION}`,
        [now, new Date(now.getTime() + leaseMs), limit],
      ),
    );
    return Promise.all(rows.map((row) => this.toClaimed(row)));
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
    return rows.length === 1 ? this.toEntity(rows[0]) : undefined;
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
    return rows.length === 1 ? this.toEntity(rows[0]) : undefined;
  }

  /**
   * Ends a held message without sending it — `cancelled` (withdrawn) or `expired`. Only for a
   * message the provider certainly does not have. Undefined when the claim was lost.
   */
  async abandon(
    manager: EntityManager,
    claim: ClaimedMessage,
    state: MessageState.Cancelled | MessageState.Expired,
    now: Date,
  ): Promise<MessageEntity | undefined> {
    const rows = await rowsOf<MessageRow>(
      manager,
      `WITH abandoned AS (
         UPDATE message
         SET state = $3, updated_at = $4, claim_token = NULL, lease_expires_at = NULL
         WHERE id = $1 AND claim_token = $2 AND state = 'sending'
         RETURNING *)
       SELECT * FROM abandoned`,
      [claim.id, claim.claimToken, state, now],
    );
    return rows.length === 1 ? this.toEntity(rows[0]) : undefined;
  }

  /** Back to `queued`: the provider certainly does not have the message. */
  async requeue(
    claim: ClaimedMessage,
    nextAttemptAt: Date,
    errorCode: string,
    now: Date,
  ): Promise<void> {
    await this.forTenantOf(claim, (manager) =>
      manager.query(
        `UPDATE message
       SET state = 'queued', next_attempt_at = $3, error_code = $4, updated_at = $5,
           claim_token = NULL, lease_expires_at = NULL
       WHERE id = $1 AND claim_token = $2 AND state = 'sending'`,
        [claim.id, claim.claimToken, nextAttemptAt, errorCode, now],
      ),
    );
  }

  /**
   * Keeps the message in `sending` but lets the lease lapse at `reconcileAt`: its outcome is
   * unknown, so recovery must ask the provider before it is sent again. A null `errorCode`
   * keeps the one recorded (a re-check changes nothing about why the outcome is unknown).
   */
  async deferToReconciliation(
    claim: ClaimedMessage,
    reconcileAt: Date,
    errorCode: string | null,
    now: Date,
  ): Promise<void> {
    await this.forTenantOf(claim, (manager) =>
      manager.query(
        `UPDATE message SET lease_expires_at = $3, error_code = COALESCE($4, error_code), updated_at = $5
       WHERE id = $1 AND claim_token = $2 AND state = 'sending'`,
        [claim.id, claim.claimToken, reconcileAt, errorCode, now],
      ),
    );
  }

  /** Which of these provider ids already belong to a message. */
  async knownProviderMessageIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.asSender((manager) =>
      rowsOf<{ provider_message_id: string }>(
        manager,
        `SELECT provider_message_id FROM message WHERE provider_message_id = ANY($1::text[])`,
        [ids],
      ),
    );
    return new Set(rows.map((row) => row.provider_message_id));
  }

  /**
   * Serializes everything about one provider message id for the rest of the transaction:
   * recording it on a message, and applying or storing a status report for it. Without it a
   * report could be stored as early just as the id is recorded, and never be applied.
   */
  async lockProviderMessageId(manager: EntityManager, providerMessageId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('provider-message:' || $1))`, [
      providerMessageId,
    ]);
  }

  /** Keeps a report for an id no message has yet; a repeat of the same status changes nothing. */
  async storeEarlyStatus(
    manager: EntityManager,
    providerMessageId: string,
    report: EarlyStatusReport,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO early_status_callback (provider_message_id, provider_status, transition, error_code, message_id, received_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (provider_message_id, provider_status) DO NOTHING`,
      [
        providerMessageId,
        report.providerStatus,
        report.transition,
        report.errorCode,
        report.messageId,
        now,
      ],
    );
  }

  /**
   * Provider ids that early status reports tie to this message and that no message has
   * recorded yet: each is the provider's word that it accepted one of the message's attempts.
   */
  async unrecordedProviderIdsReportedFor(messageId: string): Promise<string[]> {
    // Across tenants: another tenant's message may hold a reported id (as the sender job).
    const rows = await this.asSender((manager) =>
      rowsOf<{ provider_message_id: string }>(
        manager,
        `SELECT e.provider_message_id FROM early_status_callback e
         WHERE e.message_id = $1
           AND NOT EXISTS (SELECT 1 FROM message m WHERE m.provider_message_id = e.provider_message_id)
         GROUP BY e.provider_message_id
         ORDER BY min(e.received_at)`,
        [messageId],
      ),
    );
    return rows.map((row) => row.provider_message_id);
  }

  /** Removes and returns the reports kept for this id, oldest first. */
  async takeEarlyStatuses(
    manager: EntityManager,
    providerMessageId: string,
  ): Promise<EarlyStatusReport[]> {
    const rows = await rowsOf<{
      provider_status: string;
      transition: string;
      error_code: string | null;
      message_id: string | null;
      received_at: Date;
    }>(
      manager,
      `WITH taken AS (
         DELETE FROM early_status_callback WHERE provider_message_id = $1 RETURNING *)
       SELECT * FROM taken ORDER BY received_at, provider_status`,
      [providerMessageId],
    );
    return rows.map((row) => ({
      providerStatus: row.provider_status,
      transition: row.transition,
      errorCode: row.error_code,
      messageId: row.message_id,
    }));
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
    return rows.length === 1 ? this.toEntity(rows[0]) : undefined;
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
    const rows = await this.asSender((manager) =>
      rowsOf<MessageRow>(manager, `SELECT * FROM message WHERE id = $1`, [id]),
    );
    return rows.length === 1 ? this.toEntity(rows[0]) : undefined;
  }

  /** One message of the transaction's tenant, its number and text decrypted. */
  async findInTransaction(manager: EntityManager, id: string): Promise<MessageEntity | undefined> {
    const rows = await rowsOf<MessageRow>(manager, `SELECT * FROM message WHERE id = $1`, [id]);
    return rows.length === 1 ? this.toEntity(rows[0]) : undefined;
  }

  /** A tenant's messages to one patient, newest first, without their numbers or texts. */
  async findForPatient(
    manager: EntityManager,
    tenantId: string,
    patientId: string,
    limit: number,
  ): Promise<MessageEntity[]> {
    const rows = await rowsOf<MessageRow>(
      manager,
      `SELECT * FROM message WHERE tenant_id = $1 AND patient_id = $2
        ORDER BY created_at DESC LIMIT $3`,
      [tenantId, patientId, limit],
    );
    return rows.map((row) => toEntity(withoutPhi(row)));
  }

  /** An appointment's reminder rows, every revision, in due order (without numbers or texts). */
  async findReminderPlan(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
  ): Promise<MessageEntity[]> {
    const rows = await rowsOf<MessageRow>(
      manager,
      `SELECT * FROM message WHERE tenant_id = $1 AND appointment_id = $2 AND purpose = 'reminder'
        ORDER BY revision, next_attempt_at, step_key`,
      [tenantId, appointmentId],
    );
    return rows.map((row) => toEntity(withoutPhi(row)));
  }

  newId(): string {
    return randomUUID();
  }

  /** The row with its phone number and text decrypted. */
  private async toEntity(row: MessageRow): Promise<MessageEntity> {
    return toEntity(await this.decrypted(row));
  }

  private async toClaimed(row: ClaimedRow): Promise<ClaimedMessage> {
    return toClaimed(await this.decrypted(row));
  }

  private async decrypted<Row extends MessageRow>(row: Row): Promise<Row> {
    return {
      ...row,
      to_e164: await this.cipher.decryptNullable(
        messageField(row.tenant_id, row.id, 'to_e164'),
        row.to_e164,
      ),
      body: await this.cipher.decryptNullable(
        messageField(row.tenant_id, row.id, 'body'),
        row.body,
      ),
      fallback_to: await this.cipher.decryptNullable(
        messageField(row.tenant_id, row.id, 'fallback_to'),
        row.fallback_to,
      ),
      fallback_body: await this.cipher.decryptNullable(
        messageField(row.tenant_id, row.id, 'fallback_body'),
        row.fallback_body,
      ),
    };
  }

  /** A statement of the sender's, across tenants (row-level security names the job). */
  private asSender<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inJobTransaction(this.dataSource, MessagingJobs.Sender, work);
  }

  /** A statement about one claimed message, scoped to its tenant. */
  private forTenantOf<T>(
    claim: ClaimedMessage,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return inTenantTransaction(this.dataSource, claim.tenantId, work);
  }
}

/** SELECTs (and CTE-wrapped UPDATEs) come back from TypeORM's pg driver as plain row arrays. */
async function rowsOf<Row>(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const result: unknown = await manager.query(sql, params);
  if (!Array.isArray(result)) throw new Error('expected rows from query');
  return result as Row[];
}

function withoutPhi(row: MessageRow): MessageRow {
  return { ...row, to_e164: null, body: null, fallback_to: null, fallback_body: null };
}

function toEntity(row: MessageRow): MessageEntity {
  const entity = new MessageEntity();
  entity.id = row.id;
  entity.tenantId = row.tenant_id;
  entity.appointmentId = row.appointment_id;
  entity.revision = row.revision;
  entity.appointmentStart = row.appointment_start;
  entity.purpose = parsePurpose(row.purpose);
  entity.stepKey = row.step_key;
  entity.channel = parseChannel(row.channel);
  entity.state = parseMessageState(row.state);
  entity.toE164 = row.to_e164;
  entity.body = row.body;
  entity.patientId = row.patient_id;
  entity.toLookupHash = row.to_lookup_hash;
  entity.fallbackTo = row.fallback_to;
  entity.fallbackBody = row.fallback_body;
  entity.suppressionReason = row.suppression_reason;
  entity.providerMessageId = row.provider_message_id;
  entity.errorCode = row.error_code;
  entity.attempts = row.attempts;
  entity.nextAttemptAt = row.next_attempt_at;
  entity.firstAttemptAt = row.first_attempt_at;
  entity.lastAttemptAt = row.last_attempt_at;
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

function toClaimed(row: ClaimedRow): ClaimedMessage {
  if (
    row.to_e164 === null ||
    row.body === null ||
    row.claim_token === null ||
    row.lease_expires_at === null ||
    row.first_attempt_at === null
  ) {
    // ck_message_sendable / ck_message_sending_claimed make this unreachable.
    throw new Error(`claimed message ${row.id} is not sendable`);
  }
  return {
    id: row.id,
    tenantId: row.tenant_id,
    appointmentId: row.appointment_id,
    revision: row.revision,
    appointmentStart: row.appointment_start,
    latestRevision: row.latest_revision,
    appointmentCancelled: row.appointment_cancelled ?? false,
    consentWithdrawn: row.consent_state === 'withdrawn',
    numberUndeliverable: row.number_undeliverable,
    stepKey: row.step_key,
    patientId: row.patient_id,
    toLookupHash: row.to_lookup_hash,
    fallbackTo: row.fallback_to,
    fallbackBody: row.fallback_body,
    leaseExpiresAt: row.lease_expires_at,
    purpose: parsePurpose(row.purpose),
    channel: parseChannel(row.channel),
    toE164: row.to_e164,
    body: row.body,
    attempts: row.attempts,
    firstAttemptAt: row.first_attempt_at,
    // Rows claimed before last_attempt_at existed: the first attempt is the known bound.
    lastAttemptAt: row.last_attempt_at ?? row.first_attempt_at,
    claimToken: row.claim_token,
    correlationId: row.correlation_id,
    lastEventId: row.last_event_id,
    traceparent: row.traceparent,
  };
}

function parsePurpose(value: string): MessagePurpose {
  const purpose = Object.values(MessagePurpose).find((known) => (known as string) === value);
  if (purpose === undefined) throw new Error(`unknown purpose '${value}'`);
  return purpose;
}

function parseChannel(value: string): MessageChannel {
  const channel = Object.values(MessageChannel).find((known) => (known as string) === value);
  if (channel === undefined) throw new Error(`unknown channel '${value}'`);
  return channel;
}
