import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { type ScheduledAppointment, timestampDate } from '@caredispatch/contracts';
import { inJobTransaction } from '@caredispatch/kafka';
import { BlindIndex, PhiCipher } from '@caredispatch/phi-crypto';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { appointmentField } from '../phi/dispatch-phi';
import { asTenant, DispatchJobs, tenantQuery } from '../tenancy';

import { patientDisplayName } from './appointment-display-name';
import { DispatchAppointmentEntity } from './dispatch-appointment.entity';

/**
 * Dispatch's appointment copies. The display name and address are stored encrypted and read
 * back decrypted; `address_key` (the address's blind index) tells an address change apart.
 */
@Injectable()
export class DispatchAppointmentRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cipher: PhiCipher,
    private readonly blindIndex: BlindIndex,
  ) {}

  /** Upserts unless a newer revision is stored; an address change re-opens geocoding. */
  async record(
    manager: EntityManager,
    tenantId: string,
    appointment: ScheduledAppointment,
    status: 'booked' | 'cancelled',
  ): Promise<void> {
    const address = appointment.location?.address;
    const addressLine = address
      ? [
          ...address.lines,
          address.city,
          [address.state, address.postalCode].filter(Boolean).join(' '),
          address.country,
        ]
          .map((part) => part.trim())
          .filter((part) => part !== '')
          .join(', ')
      : '';
    const { appointmentId } = appointment;
    const displayName = patientDisplayName(
      appointment.patient?.givenName ?? '',
      appointment.patient?.familyName ?? '',
    );
    const start = appointment.start ? timestampDate(appointment.start) : new Date(0);
    const end = appointment.end ? timestampDate(appointment.end) : start;
    await manager.query(
      `INSERT INTO dispatch_appointment AS a
         (tenant_id, appointment_id, revision, status, start_at, end_at, type_code, patient_display_name,
          location_id, time_zone, address_line, lat, lon, geocode_status, booked_provider_id, planned_revision, updated_at,
          ehr_location_id, ehr_appointment_id, booked_ehr_practitioner_id, address_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, NULL, $12, $13, 0, $14, $15, $16, $17, $18)
       ON CONFLICT (tenant_id, appointment_id) DO UPDATE SET
         revision = EXCLUDED.revision, status = EXCLUDED.status, start_at = EXCLUDED.start_at,
         end_at = EXCLUDED.end_at, type_code = EXCLUDED.type_code,
         patient_display_name = EXCLUDED.patient_display_name, location_id = EXCLUDED.location_id,
         ehr_location_id = EXCLUDED.ehr_location_id,
         ehr_appointment_id = EXCLUDED.ehr_appointment_id,
         booked_ehr_practitioner_id = EXCLUDED.booked_ehr_practitioner_id,
         time_zone = EXCLUDED.time_zone, booked_provider_id = EXCLUDED.booked_provider_id,
         updated_at = EXCLUDED.updated_at,
         address_line = EXCLUDED.address_line, address_key = EXCLUDED.address_key,
         lat = CASE WHEN a.address_key IS NOT DISTINCT FROM EXCLUDED.address_key THEN a.lat END,
         lon = CASE WHEN a.address_key IS NOT DISTINCT FROM EXCLUDED.address_key THEN a.lon END,
         geocode_status = CASE WHEN a.address_key IS NOT DISTINCT FROM EXCLUDED.address_key
                               THEN a.geocode_status ELSE EXCLUDED.geocode_status END
       WHERE a.revision < EXCLUDED.revision`,
      [
        tenantId,
        appointmentId,
        appointment.revision,
        status,
        start,
        end,
        appointment.appointmentTypeCode,
        await this.cipher.encryptText(
          appointmentField(tenantId, appointmentId, 'patient_display_name'),
          displayName,
        ),
        appointment.location?.locationId ?? '',
        appointment.location?.timeZone ?? 'UTC',
        await this.cipher.encryptText(
          appointmentField(tenantId, appointmentId, 'address_line'),
          addressLine,
        ),
        addressLine === '' ? 'unresolvable' : 'pending',
        appointment.provider?.providerId ?? null,
        this.clock.now(),
        appointment.location?.ehrLocationId ?? '',
        appointment.ehrAppointmentId,
        appointment.provider?.ehrPractitionerId ?? '',
        addressLine === '' ? null : this.blindIndex.addressLookupHash(tenantId, addressLine),
      ],
    );
  }

  /** Booked appointments starting in `[from, until)`. */
  async inRange(tenantId: string, from: Date, until: Date): Promise<DispatchAppointmentEntity[]> {
    const rows = await asTenant(this.dataSource, tenantId, (manager) =>
      manager
        .createQueryBuilder(DispatchAppointmentEntity, 'a')
        .where('a.tenant_id = :tenantId', { tenantId })
        .andWhere(`a.status = 'booked'`)
        .andWhere('a.start_at >= :from AND a.start_at < :until', { from, until })
        .orderBy('a.start_at', 'ASC')
        .addOrderBy('a.appointment_id', 'ASC')
        .getMany(),
    );
    return this.decryptAll(rows);
  }

  /** Appointments changed since the plan last reflected them, oldest change first, any tenant. */
  async changed(limit: number): Promise<DispatchAppointmentEntity[]> {
    const rows = await inJobTransaction(this.dataSource, DispatchJobs.PlanMaintenance, (manager) =>
      manager
        .createQueryBuilder(DispatchAppointmentEntity, 'a')
        .where('a.revision > a.planned_revision')
        .orderBy('a.updated_at', 'ASC')
        .limit(limit)
        .getMany(),
    );
    return this.decryptAll(rows);
  }

  async markPlanned(tenantId: string, appointmentId: string, revision: number): Promise<void> {
    await tenantQuery(
      this.dataSource,
      tenantId,
      `UPDATE dispatch_appointment SET planned_revision = GREATEST(planned_revision, $3)
        WHERE tenant_id = $1 AND appointment_id = $2`,
      [tenantId, appointmentId, revision],
    );
  }

  /** markPlanned for many appointments in one statement (a weekly run plans ~200). */
  async markManyPlanned(
    tenantId: string,
    planned: readonly { readonly appointmentId: string; readonly revision: number }[],
  ): Promise<void> {
    if (planned.length === 0) return;
    await tenantQuery(
      this.dataSource,
      tenantId,
      `UPDATE dispatch_appointment AS a SET planned_revision = GREATEST(a.planned_revision, p.revision)
         FROM unnest($2::uuid[], $3::int[]) AS p(appointment_id, revision)
        WHERE a.tenant_id = $1 AND a.appointment_id = p.appointment_id`,
      [tenantId, planned.map((p) => p.appointmentId), planned.map((p) => p.revision)],
    );
  }

  async setGeocode(
    tenantId: string,
    appointmentId: string,
    result: { lat: number; lon: number } | null,
    status: 'resolved' | 'unresolvable' | 'not-needed',
  ): Promise<void> {
    await tenantQuery(
      this.dataSource,
      tenantId,
      `UPDATE dispatch_appointment SET lat = $3, lon = $4, geocode_status = $5 WHERE tenant_id = $1 AND appointment_id = $2`,
      [tenantId, appointmentId, result?.lat ?? null, result?.lon ?? null, status],
    );
  }

  async find(tenantId: string, appointmentId: string): Promise<DispatchAppointmentEntity | null> {
    const row = await asTenant(this.dataSource, tenantId, (manager) =>
      manager.findOneBy(DispatchAppointmentEntity, { tenantId, appointmentId }),
    );
    return row && this.decrypt(row);
  }

  private decryptAll(rows: DispatchAppointmentEntity[]): Promise<DispatchAppointmentEntity[]> {
    return Promise.all(rows.map((row) => this.decrypt(row)));
  }

  /** The row with its display name and address readable (in place: entities are not shared). */
  private async decrypt(row: DispatchAppointmentEntity): Promise<DispatchAppointmentEntity> {
    const field = (column: 'patient_display_name' | 'address_line') =>
      appointmentField(row.tenantId, row.appointmentId, column);
    row.patientDisplayName = await this.cipher.decryptText(
      field('patient_display_name'),
      row.patientDisplayName,
    );
    row.addressLine = await this.cipher.decryptText(field('address_line'), row.addressLine);
    return row;
  }
}
