import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { PhiCipher } from '@caredispatch/phi-crypto';

import { messageField } from '../message/message-phi';

import { type OfferTextState, WaitlistOfferTextEntity } from './waitlist-offer-text.entity';

export type NewOfferText = Omit<
  WaitlistOfferTextEntity,
  'messageId' | 'state' | 'acceptedAt' | 'updatedAt'
>;

interface OfferTextRow {
  tenant_id: string;
  offer_id: string;
  slot_id: string;
  patient_id: string;
  message_id: string | null;
  slot_start: Date;
  time_zone: string;
  location_name: string;
  hold_until: Date;
  state: OfferTextState;
  accepted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** All SQL on `waitlist_offer_text`, and the patient's number for an offer (decrypted, never logged). */
@Injectable()
export class WaitlistOfferTextRepository {
  constructor(private readonly cipher: PhiCipher) {}

  /** True when this call recorded the offer (a redelivered WaitlistOfferMadeV1 records nothing). */
  async insertIfAbsent(manager: EntityManager, offer: NewOfferText): Promise<boolean> {
    const rows: unknown = await manager.query(
      `INSERT INTO waitlist_offer_text (tenant_id, offer_id, slot_id, patient_id, slot_start, time_zone,
                                        location_name, hold_until, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9)
       ON CONFLICT (tenant_id, offer_id) DO NOTHING
       RETURNING offer_id`,
      [
        offer.tenantId,
        offer.offerId,
        offer.slotId,
        offer.patientId,
        offer.slotStart,
        offer.timeZone,
        offer.locationName,
        offer.holdUntil,
        offer.createdAt,
      ],
    );
    return Array.isArray(rows) && rows.length === 1;
  }

  /** The offer, locked for the rest of the transaction: its answer and its resolution serialize. */
  async lock(
    manager: EntityManager,
    tenantId: string,
    offerId: string,
  ): Promise<WaitlistOfferTextEntity | undefined> {
    const rows = await manager.query<OfferTextRow[]>(
      `SELECT * FROM waitlist_offer_text WHERE tenant_id = $1 AND offer_id = $2 FOR UPDATE`,
      [tenantId, offerId],
    );
    const row = rows.at(0);
    return row === undefined ? undefined : toEntity(row);
  }

  async update(
    manager: EntityManager,
    offer: Pick<WaitlistOfferTextEntity, 'tenantId' | 'offerId'>,
    change: Partial<Pick<WaitlistOfferTextEntity, 'messageId' | 'state' | 'acceptedAt'>>,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE waitlist_offer_text
          SET message_id = CASE WHEN $3 THEN $4::uuid ELSE message_id END,
              state = COALESCE($5, state),
              accepted_at = CASE WHEN $6 THEN $7::timestamptz ELSE accepted_at END,
              updated_at = $8
        WHERE tenant_id = $1 AND offer_id = $2`,
      [
        offer.tenantId,
        offer.offerId,
        'messageId' in change,
        change.messageId ?? null,
        change.state ?? null,
        'acceptedAt' in change,
        change.acceptedAt ?? null,
        now,
      ],
    );
  }

  /**
   * The number messaging last texted this patient in this tenant (see docs/waitlist-offers.md):
   * only rows that still hold one — queued because the appointment event gave consent and a
   * valid number — newest first. Null when there is none.
   */
  async patientNumber(
    manager: EntityManager,
    tenantId: string,
    patientId: string,
  ): Promise<string | null> {
    const rows = await manager.query<{ id: string; to_e164: string }[]>(
      `SELECT id, to_e164 FROM message
        WHERE tenant_id = $1 AND patient_id::text = $2 AND to_e164 IS NOT NULL
          AND channel = 'sms' -- an email reminder's row holds an address in to_e164
          AND purpose IN ('confirmation', 'reminder', 'waitlist_offer')
        ORDER BY created_at DESC LIMIT 1`,
      [tenantId, patientId],
    );
    const row = rows.at(0);
    if (row === undefined) return null;
    return this.cipher.decryptText(messageField(tenantId, row.id, 'to_e164'), row.to_e164);
  }

  /**
   * The email address messaging last held for this patient in this tenant, with the preferred
   * language the EHR gave for that visit: an email reminder's own address, or a text's email
   * stand-in (`fallback_to`, kept only where the patient had an address and email consent).
   * Newest first; null when there is none. Decrypted, never logged.
   */
  async patientEmail(
    manager: EntityManager,
    tenantId: string,
    patientId: string,
  ): Promise<{ address: string; language: string | null } | null> {
    const rows = await manager.query<
      {
        id: string;
        channel: string;
        to_e164: string | null;
        fallback_to: string | null;
        patient_language: string | null;
      }[]
    >(
      `SELECT m.id, m.channel, m.to_e164, m.fallback_to, a.patient_language
         FROM message m
         LEFT JOIN link_appointment a ON a.tenant_id = m.tenant_id AND a.appointment_id = m.appointment_id
        WHERE m.tenant_id = $1 AND m.patient_id::text = $2
          AND m.purpose IN ('confirmation', 'reminder')
          AND ((m.channel = 'email' AND m.to_e164 IS NOT NULL) OR m.fallback_to IS NOT NULL)
        ORDER BY m.created_at DESC LIMIT 1`,
      [tenantId, patientId],
    );
    const row = rows.at(0);
    if (row === undefined) return null;
    const column = row.channel === 'email' && row.to_e164 !== null ? 'to_e164' : 'fallback_to';
    const stored = column === 'to_e164' ? row.to_e164 : row.fallback_to;
    if (stored === null) return null;
    return {
      address: await this.cipher.decryptText(messageField(tenantId, row.id, column), stored),
      language: row.patient_language,
    };
  }

  /**
   * The preferred language the EHR last gave for this patient's visits (BCP-47, from the newest
   * confirmation or reminder's appointment); null when unknown. Offers and their outcome texts
   * are written in it, like the email.
   */
  async patientLanguage(
    manager: EntityManager,
    tenantId: string,
    patientId: string,
  ): Promise<string | null> {
    const rows = await manager.query<{ patient_language: string | null }[]>(
      `SELECT a.patient_language
         FROM message m
         JOIN link_appointment a ON a.tenant_id = m.tenant_id AND a.appointment_id = m.appointment_id
        WHERE m.tenant_id = $1 AND m.patient_id::text = $2
          AND m.purpose IN ('confirmation', 'reminder')
        ORDER BY m.created_at DESC LIMIT 1`,
      [tenantId, patientId],
    );
    return rows.at(0)?.patient_language ?? null;
  }

  /** The number an offer's text went to (for the outcome text); null if it was never texted. */
  async numberOfMessage(
    manager: EntityManager,
    tenantId: string,
    messageId: string,
  ): Promise<string | null> {
    const rows = await manager.query<{ to_e164: string | null }[]>(
      `SELECT to_e164 FROM message WHERE tenant_id = $1 AND id = $2`,
      [tenantId, messageId],
    );
    return this.cipher.decryptNullable(
      messageField(tenantId, messageId, 'to_e164'),
      rows.at(0)?.to_e164 ?? null,
    );
  }
}

function toEntity(row: OfferTextRow): WaitlistOfferTextEntity {
  return Object.assign(new WaitlistOfferTextEntity(), {
    tenantId: row.tenant_id,
    offerId: row.offer_id,
    slotId: row.slot_id,
    patientId: row.patient_id,
    messageId: row.message_id,
    slotStart: row.slot_start,
    timeZone: row.time_zone,
    locationName: row.location_name,
    holdUntil: row.hold_until,
    state: row.state,
    acceptedAt: row.accepted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
