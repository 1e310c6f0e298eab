import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import { runRetentionTask } from '@caredispatch/kafka';
import { ThrowawayDatabase } from '@caredispatch/testing';

import { schedulingMigrations } from '../entities';

import { patientContactRetention } from './patient-contact-retention';

interface StoredPatient {
  given_name: string;
  family_name: string;
  phone_e164: string;
  email: string | null;
  phone_lookup_hash: string | null;
  ehr_patient_id: string;
}

describe(patientContactRetention.name, () => {
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let locationId: string;

  beforeAll(async () => {
    database = await ThrowawayDatabase.create('caredispatch_scheduling_retention');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: schedulingMigrations,
      extra: { max: 2 },
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    locationId = randomUUID();
    await dataSource.query(
      `INSERT INTO location (id, tenant_id, ehr_location_id, name, time_zone, created_at, updated_at)
       VALUES ($1, 'acme', 'loc-1', 'Main St', 'America/New_York', now(), now())`,
      [locationId],
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** A patient last updated `updatedDaysAgo`, with one appointment ending `visitDaysAgo` (negative: future). */
  async function aPatient(updatedDaysAgo: number, visitDaysAgo: number): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO patient (id, tenant_id, ehr_patient_id, given_name, family_name, phone_e164,
                            phone_lookup_hash, email, sms_consent, created_at, updated_at)
       VALUES ($1, 'acme', $2, 'phi1.given', 'phi1.family', 'phi1.phone', 'hash', 'phi1.email', true,
               now() - make_interval(days => $3), now() - make_interval(days => $3))`,
      [id, `pat-${id}`, updatedDaysAgo],
    );
    await dataSource.query(
      `INSERT INTO appointment (id, tenant_id, ehr_appointment_id, source_system, ehr_version, status,
                                start_at, end_at, revision, patient_id, location_id, practice_name,
                                appointment_type_code, created_at, updated_at)
       VALUES ($1, 'acme', $2, 'ehr', '1', 'booked',
               now() - make_interval(days => $3) - interval '30 minutes', now() - make_interval(days => $3),
               1, $4, $5, 'Acme', 'checkup', now(), now())`,
      [randomUUID(), `appt-${id}`, visitDaysAgo, id, locationId],
    );
    return id;
  }

  async function patient(id: string): Promise<StoredPatient> {
    const [row] = await dataSource.query<StoredPatient[]>(
      `SELECT given_name, family_name, phone_e164, email, phone_lookup_hash, ehr_patient_id
         FROM patient WHERE id = $1`,
      [id],
    );
    return row;
  }

  it('should drop the contact data of patients not seen within the retention, and keep the rest', async () => {
    const gone = await aPatient(400, 400);
    const recentVisit = await aPatient(400, 10);
    const upcomingVisit = await aPatient(400, -30);
    const recentlyUpdated = await aPatient(5, 400);
    const kept = await Promise.all([recentVisit, upcomingVisit, recentlyUpdated].map(patient));

    const scrubbed = await runRetentionTask(dataSource, patientContactRetention(365), 100);

    expect(scrubbed).toBe(1);
    expect(await patient(gone)).toEqual({
      given_name: '',
      family_name: '',
      phone_e164: '',
      email: null,
      phone_lookup_hash: null,
      ehr_patient_id: `pat-${gone}`,
    });
    expect(await Promise.all([recentVisit, upcomingVisit, recentlyUpdated].map(patient))).toEqual(
      kept,
    );
    expect(await runRetentionTask(dataSource, patientContactRetention(365), 100)).toBe(0);
  });
});
