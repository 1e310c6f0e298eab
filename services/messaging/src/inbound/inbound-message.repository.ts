import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { PhiCipher } from '@caredispatch/phi-crypto';

import { inboundBodyField } from '../message/message-phi';

export interface NewInboundMessage {
  readonly id: string;
  readonly providerMessageId: string;
  readonly tenantId: string | null;
  readonly patientId: string | null;
  readonly appointmentId: string | null;
  readonly answeredMessageId: string | null;
  readonly intent: string;
  /** PHI: encrypted under the tenant's key; dropped when no tenant is known. */
  readonly body: string;
  readonly receivedAt: Date;
}

export interface InboundMessageView {
  readonly id: string;
  readonly appointmentId: string | null;
  readonly answeredMessageId: string | null;
  readonly intent: string;
  readonly body: string | null;
  readonly receivedAt: Date;
}

/** All SQL on `inbound_message`. */
@Injectable()
export class InboundMessageRepository {
  constructor(private readonly cipher: PhiCipher) {}

  /**
   * Records the reply unless its Message SID was seen before: true when this call stored it.
   * A concurrent delivery of the same SID waits on the unique index and then inserts nothing.
   */
  async insertIfAbsent(manager: EntityManager, inbound: NewInboundMessage): Promise<boolean> {
    const body =
      inbound.tenantId === null
        ? null
        : await this.cipher.encryptText(
            inboundBodyField(inbound.tenantId, inbound.id),
            inbound.body,
          );
    const rows: unknown = await manager.query(
      `INSERT INTO inbound_message (id, provider_message_id, tenant_id, patient_id, appointment_id,
                                    answered_message_id, intent, body, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (provider_message_id) DO NOTHING
       RETURNING id`,
      [
        inbound.id,
        inbound.providerMessageId,
        inbound.tenantId,
        inbound.patientId,
        inbound.appointmentId,
        inbound.answeredMessageId,
        inbound.intent,
        body,
        inbound.receivedAt,
      ],
    );
    return Array.isArray(rows) && rows.length === 1;
  }

  /** A patient's replies, newest first, decrypted (for the staff read API; tenant-scoped). */
  async findForPatient(
    manager: EntityManager,
    tenantId: string,
    patientId: string,
    limit: number,
  ): Promise<InboundMessageView[]> {
    const rows = await manager.query<
      {
        id: string;
        appointment_id: string | null;
        answered_message_id: string | null;
        intent: string;
        body: string | null;
        received_at: Date;
      }[]
    >(
      `SELECT id, appointment_id, answered_message_id, intent, body, received_at
         FROM inbound_message WHERE tenant_id = $1 AND patient_id = $2
        ORDER BY received_at DESC LIMIT $3`,
      [tenantId, patientId, limit],
    );
    return Promise.all(
      rows.map(async (row) => ({
        id: row.id,
        appointmentId: row.appointment_id,
        answeredMessageId: row.answered_message_id,
        intent: row.intent,
        body: await this.cipher.decryptNullable(inboundBodyField(tenantId, row.id), row.body),
        receivedAt: row.received_at,
      })),
    );
  }
}
