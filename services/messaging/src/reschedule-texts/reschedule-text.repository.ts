import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { PhiCipher } from '@caredispatch/phi-crypto';

import { messageField } from '../message/message-phi';

import { RescheduleTextState } from './reschedule-text.entity';

export interface RescheduleRequest {
  readonly tenantId: string;
  readonly appointmentId: string;
  readonly appointmentStart: Date;
  readonly correlationId: string;
  readonly eventId: string;
}

/** The number and patient a visit's texts went to. */
export interface VisitRecipient {
  readonly toE164: string;
  readonly patientId: string | null;
}

interface RequestRow {
  appointment_start: Date;
  correlation_id: string;
  event_id: string;
}

@Injectable()
export class RescheduleTextRepository {
  constructor(private readonly cipher: PhiCipher) {}

  /**
   * Serializes the two ways a request is acted on (its event, the appointment's next event),
   * which arrive on different topics, so neither misses the other's uncommitted write.
   */
  async lockAppointment(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
  ): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `reschedule_text:${tenantId}:${appointmentId}`,
    ]);
  }

  /** True when this call recorded the request (a re-announced one is already there). */
  async insertIfAbsent(
    manager: EntityManager,
    request: RescheduleRequest,
    now: Date,
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO reschedule_text (tenant_id, appointment_id, appointment_start, state, correlation_id,
                                    event_id, created_at, updated_at)
       VALUES ($1, $2, $3, 'pending', $4, $5, $6, $6)
       ON CONFLICT (tenant_id, appointment_id, appointment_start) DO NOTHING
       RETURNING 1`,
      [
        request.tenantId,
        request.appointmentId,
        request.appointmentStart,
        request.correlationId,
        request.eventId,
        now,
      ],
    );
    return rows.length === 1;
  }

  async pendingFor(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
  ): Promise<RescheduleRequest[]> {
    const rows = await manager.query<RequestRow[]>(
      `SELECT appointment_start, correlation_id, event_id FROM reschedule_text
        WHERE tenant_id = $1 AND appointment_id = $2 AND state = 'pending'`,
      [tenantId, appointmentId],
    );
    return rows.map((row) => ({
      tenantId,
      appointmentId,
      appointmentStart: row.appointment_start,
      correlationId: row.correlation_id,
      eventId: row.event_id,
    }));
  }

  async settle(
    manager: EntityManager,
    request: RescheduleRequest,
    state: RescheduleTextState.Queued | RescheduleTextState.Closed,
    messageId: string | null,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE reschedule_text SET state = $4, message_id = $5, updated_at = $6
        WHERE tenant_id = $1 AND appointment_id = $2 AND appointment_start = $3`,
      [request.tenantId, request.appointmentId, request.appointmentStart, state, messageId, now],
    );
  }

  /** The number the visit's newest confirmation or reminder text went to; null if none. */
  async recipientOf(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
  ): Promise<VisitRecipient | null> {
    const rows = await manager.query<{ id: string; to_e164: string; patient_id: string | null }[]>(
      `SELECT id, to_e164, patient_id FROM message
        WHERE tenant_id = $1 AND appointment_id = $2 AND to_e164 IS NOT NULL
          AND channel = 'sms' -- an email reminder's row holds an address in to_e164
          AND purpose IN ('confirmation', 'reminder')
        ORDER BY revision DESC, created_at DESC LIMIT 1`,
      [tenantId, appointmentId],
    );
    const row = rows.at(0);
    if (row === undefined) return null;
    return {
      toE164: await this.cipher.decryptText(messageField(tenantId, row.id, 'to_e164'), row.to_e164),
      patientId: row.patient_id,
    };
  }
}
