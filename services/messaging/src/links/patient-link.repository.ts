import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { PhiCipher, type PhiField } from '@caredispatch/phi-crypto';

import { answerKindOf, type AnswerKind } from './patient-answer';
import { type LinkPurpose, type LinkRevocation } from './patient-link.entity';

/** The page's view of an appointment: nothing clinical, the address decrypted. */
export interface AppointmentView {
  readonly tenantId: string;
  readonly appointmentId: string;
  readonly revision: number;
  readonly ehrAppointmentId: string;
  readonly practiceName: string;
  readonly start: Date;
  readonly end: Date;
  readonly timeZone: string;
  readonly locationId: string;
  readonly locationName: string;
  readonly addressLines: readonly string[];
  readonly providerId: string;
  readonly providerDisplayName: string;
  /** The EHR's ids of the visit's practitioner and location ('' = unknown). */
  readonly ehrPractitionerId: string;
  readonly ehrLocationId: string;
  readonly appointmentTypeCode: string;
  readonly cancelled: boolean;
  /** The patient's preferred language (BCP-47) as scheduling published it; null = unknown. */
  readonly patientLanguage: string | null;
}

export interface StoredLink {
  readonly id: string;
  readonly tenantId: string;
  readonly tokenDigest: Buffer;
  readonly appointmentId: string;
  readonly appointmentRevision: number;
  readonly messageId: string | null;
  readonly correlationId: string;
  readonly expiresAt: Date;
  readonly revokedReason: LinkRevocation | null;
  readonly purpose: LinkPurpose;
}

export interface StoredAnswer {
  readonly kind: AnswerKind;
  readonly newStart: Date | null;
}

export interface NewResponse {
  readonly tenantId: string;
  readonly linkId: string;
  readonly appointmentId: string;
  readonly appointmentRevision: number;
  readonly kind: AnswerKind;
  readonly slotId: string | null;
  readonly newStart: Date | null;
  readonly newEnd: Date | null;
  readonly cancellationReason: string | null;
  readonly now: Date;
}

interface LinkRow {
  id: string;
  tenant_id: string;
  token_digest: Buffer;
  appointment_id: string;
  appointment_revision: number;
  message_id: string | null;
  correlation_id: string;
  expires_at: Date;
  revoked_reason: LinkRevocation | null;
  purpose: LinkPurpose;
}

interface AppointmentRow {
  tenant_id: string;
  appointment_id: string;
  revision: number;
  ehr_appointment_id: string;
  practice_name: string;
  start_at: Date;
  end_at: Date;
  time_zone: string;
  location_id: string;
  location_name: string;
  address: string | null;
  provider_id: string;
  provider_display_name: string;
  ehr_practitioner_id: string;
  ehr_location_id: string;
  appointment_type_code: string;
  cancelled: boolean;
  patient_language: string | null;
}

/** Links, the page's appointment view, patients' answers and the staff inbox. */
@Injectable()
export class PatientLinkRepository {
  constructor(private readonly cipher: PhiCipher) {}

  async insertLink(
    manager: EntityManager,
    link: Omit<StoredLink, 'id' | 'revokedReason'> & { now: Date },
  ): Promise<string> {
    const id = randomUUID();
    await manager.query(
      `INSERT INTO patient_link (id, tenant_id, token_digest, appointment_id, appointment_revision,
                                 message_id, correlation_id, expires_at, created_at, purpose)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        link.tenantId,
        link.tokenDigest,
        link.appointmentId,
        link.appointmentRevision,
        link.messageId,
        link.correlationId,
        link.expiresAt,
        link.now,
        link.purpose,
      ],
    );
    return id;
  }

  async findLinkByDigest(manager: EntityManager, digest: Buffer): Promise<StoredLink | undefined> {
    const rows = await manager.query<LinkRow[]>(
      `SELECT id, tenant_id, token_digest, appointment_id, appointment_revision, message_id,
              correlation_id, expires_at, revoked_reason, purpose
         FROM patient_link WHERE token_digest = $1`,
      [digest],
    );
    return rows[0] && toLink(rows[0]);
  }

  /** Serializes answers through one link (double taps arrive together). */
  async lockLink(manager: EntityManager, linkId: string): Promise<StoredLink | undefined> {
    const rows = await manager.query<LinkRow[]>(
      `SELECT id, tenant_id, token_digest, appointment_id, appointment_revision, message_id,
              correlation_id, expires_at, revoked_reason, purpose
         FROM patient_link WHERE id = $1 FOR UPDATE`,
      [linkId],
    );
    return rows[0] && toLink(rows[0]);
  }

  /** Revokes the appointment's links older than `revision`; returns how many. */
  async revokeBefore(
    manager: EntityManager,
    input: {
      tenantId: string;
      appointmentId: string;
      revision: number;
      reason: LinkRevocation;
      now: Date;
    },
  ): Promise<number> {
    const rows = await manager.query<{ id: string }[]>(
      // A CTE, so the result is the rows (TypeORM returns an UPDATE's as [rows, count]).
      `WITH revoked AS (
         UPDATE patient_link SET revoked_at = $5, revoked_reason = $4
          WHERE tenant_id = $1 AND appointment_id = $2 AND appointment_revision < $3
            AND revoked_at IS NULL
          RETURNING id)
       SELECT id FROM revoked`,
      [input.tenantId, input.appointmentId, input.revision, input.reason, input.now],
    );
    return rows.length;
  }

  /** Stores the appointment as of `revision` unless a newer one is stored. */
  async upsertAppointment(
    manager: EntityManager,
    view: AppointmentView,
    now: Date,
  ): Promise<boolean> {
    const address =
      view.addressLines.length === 0
        ? null
        : await this.cipher.encryptText(
            addressField(view.tenantId, view.appointmentId),
            JSON.stringify(view.addressLines),
          );
    const rows = await manager.query<{ revision: number }[]>(
      `INSERT INTO link_appointment (tenant_id, appointment_id, revision, ehr_appointment_id,
              practice_name, start_at, end_at, time_zone, location_id, location_name, address,
              provider_id, provider_display_name, appointment_type_code, cancelled, updated_at,
              patient_language, ehr_practitioner_id, ehr_location_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
       ON CONFLICT (tenant_id, appointment_id) DO UPDATE SET
              revision = EXCLUDED.revision, ehr_appointment_id = EXCLUDED.ehr_appointment_id,
              practice_name = EXCLUDED.practice_name, start_at = EXCLUDED.start_at,
              end_at = EXCLUDED.end_at, time_zone = EXCLUDED.time_zone,
              location_id = EXCLUDED.location_id, location_name = EXCLUDED.location_name,
              address = EXCLUDED.address, provider_id = EXCLUDED.provider_id,
              provider_display_name = EXCLUDED.provider_display_name,
              appointment_type_code = EXCLUDED.appointment_type_code,
              cancelled = EXCLUDED.cancelled, updated_at = EXCLUDED.updated_at,
              patient_language = EXCLUDED.patient_language,
              ehr_practitioner_id = EXCLUDED.ehr_practitioner_id,
              ehr_location_id = EXCLUDED.ehr_location_id
        WHERE link_appointment.revision < EXCLUDED.revision
       RETURNING revision`,
      [
        view.tenantId,
        view.appointmentId,
        view.revision,
        view.ehrAppointmentId,
        view.practiceName,
        view.start,
        view.end,
        view.timeZone,
        view.locationId,
        view.locationName,
        address,
        view.providerId,
        view.providerDisplayName,
        view.appointmentTypeCode,
        view.cancelled,
        now,
        view.patientLanguage,
        view.ehrPractitionerId,
        view.ehrLocationId,
      ],
    );
    return rows.length > 0;
  }

  async findAppointment(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
  ): Promise<AppointmentView | undefined> {
    const rows = await manager.query<AppointmentRow[]>(
      `SELECT * FROM link_appointment WHERE tenant_id = $1 AND appointment_id = $2`,
      [tenantId, appointmentId],
    );
    const row = rows.at(0);
    if (!row) return undefined;
    const addressLines =
      row.address === null
        ? []
        : (JSON.parse(
            await this.cipher.decryptText(
              addressField(row.tenant_id, row.appointment_id),
              row.address,
            ),
          ) as string[]);
    return {
      tenantId: row.tenant_id,
      appointmentId: row.appointment_id,
      revision: row.revision,
      ehrAppointmentId: row.ehr_appointment_id,
      practiceName: row.practice_name,
      start: row.start_at,
      end: row.end_at,
      timeZone: row.time_zone,
      locationId: row.location_id,
      locationName: row.location_name,
      addressLines,
      providerId: row.provider_id,
      providerDisplayName: row.provider_display_name,
      ehrPractitionerId: row.ehr_practitioner_id,
      ehrLocationId: row.ehr_location_id,
      appointmentTypeCode: row.appointment_type_code,
      cancelled: row.cancelled,
      patientLanguage: row.patient_language,
    };
  }

  /** The patient's preferred language for an appointment (BCP-47); null when unknown. */
  async patientLanguageOf(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
  ): Promise<string | null> {
    const rows = await manager.query<{ patient_language: string | null }[]>(
      `SELECT patient_language FROM link_appointment WHERE tenant_id = $1 AND appointment_id = $2`,
      [tenantId, appointmentId],
    );
    return rows.at(0)?.patient_language ?? null;
  }

  /**
   * scheduling's patient id for an appointment, as messaging's messages about it recorded it:
   * the link's own message first, else the newest one that names the patient. Undefined when
   * no message names one.
   */
  async patientOfAppointment(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
    messageId: string | null,
  ): Promise<string | undefined> {
    const rows = await manager.query<{ patient_id: string }[]>(
      `SELECT patient_id::text AS patient_id FROM message
        WHERE tenant_id = $1 AND appointment_id = $2 AND patient_id IS NOT NULL
        ORDER BY (id::text = $3) DESC, created_at DESC
        LIMIT 1`,
      [tenantId, appointmentId, messageId ?? ''],
    );
    return rows.at(0)?.patient_id;
  }

  /** What was already answered through a link, oldest first (failed write-backs not counted). */
  async answersOf(manager: EntityManager, linkId: string): Promise<StoredAnswer[]> {
    const rows = await manager.query<{ kind: string; new_start_at: Date | null }[]>(
      `SELECT kind, new_start_at FROM patient_response
        WHERE link_id = $1 AND write_back_failure IS NULL
        ORDER BY created_at, id`,
      [linkId],
    );
    return rows.map((row) => ({ kind: answerKindOf(row.kind), newStart: row.new_start_at }));
  }

  /** The new response's id, or undefined when this link already gave this answer. */
  async insertResponseIfAbsent(
    manager: EntityManager,
    response: NewResponse,
  ): Promise<string | undefined> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO patient_response (id, tenant_id, link_id, appointment_id, appointment_revision,
                                     kind, slot_id, new_start_at, new_end_at, cancellation_reason,
                                     created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (link_id, kind) DO NOTHING
       RETURNING id`,
      [
        randomUUID(),
        response.tenantId,
        response.linkId,
        response.appointmentId,
        response.appointmentRevision,
        response.kind,
        response.slotId,
        response.newStart,
        response.newEnd,
        response.cancellationReason,
        response.now,
      ],
    );
    return rows[0]?.id;
  }

  /** The new entry's id, or undefined when the response already has one of this kind. */
  async insertStaffInboxEntry(
    manager: EntityManager,
    entry: { tenantId: string; appointmentId: string; kind: string; responseId: string; now: Date },
  ): Promise<string | undefined> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO staff_inbox_entry (id, tenant_id, appointment_id, kind, response_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (response_id, kind) DO NOTHING
       RETURNING id`,
      [randomUUID(), entry.tenantId, entry.appointmentId, entry.kind, entry.responseId, entry.now],
    );
    return rows[0]?.id;
  }

  /**
   * Records why a link answer could not be written back; returns the answer's link and message,
   * or undefined when the response did not come through a link (an SMS reply) or is unknown.
   */
  async markWriteBackFailed(
    manager: EntityManager,
    input: { responseId: string; reason: string },
  ): Promise<{ linkId: string; messageId: string | null; appointmentId: string } | undefined> {
    const rows = await manager.query<
      { link_id: string; message_id: string | null; appointment_id: string }[]
    >(
      // Wrapped in a CTE: TypeORM returns an UPDATE's RETURNING rows with a count beside them.
      `WITH updated AS (
         UPDATE patient_response AS r SET write_back_failure = $2
           FROM patient_link AS l
          WHERE r.id = $1 AND l.id = r.link_id
          RETURNING r.link_id, l.message_id, r.appointment_id)
       SELECT * FROM updated`,
      [input.responseId, input.reason],
    );
    const row = rows.at(0);
    return (
      row && { linkId: row.link_id, messageId: row.message_id, appointmentId: row.appointment_id }
    );
  }
}

export function addressField(tenantId: string, appointmentId: string): PhiField {
  return { tenantId, table: 'link_appointment', column: 'address', rowKey: appointmentId };
}

function toLink(row: LinkRow): StoredLink {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    tokenDigest: row.token_digest,
    appointmentId: row.appointment_id,
    appointmentRevision: row.appointment_revision,
    messageId: row.message_id,
    correlationId: row.correlation_id,
    expiresAt: row.expires_at,
    revokedReason: row.revoked_reason,
    purpose: row.purpose,
  };
}
