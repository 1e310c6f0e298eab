import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  disableTenantIsolation,
  applyTenantIsolation,
  JOB_SETTING,
  KafkaJobs,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { LINK_DIGEST_SETTING, MessagingJobs } from '../message/messaging-jobs';

/**
 * Row-level security on the patient-link tables (1796100000000). Consumers (appointment
 * changes, slot snapshots, write-back outcomes) work for the event's tenant; the page works in
 * the tenant its token resolved to. PHI key maintenance re-encrypts the visit address
 * (`link_appointment.address`) across tenants.
 *
 * The page's token names no tenant, so the lookup is the `patient-link` job, and narrower than
 * enableTenantIsolation's grants: it may SELECT the `patient_link` row whose digest the
 * transaction itself sets in `app.link_token_digest`, only that row, and nothing on any other
 * table. A guesser's lookup can see no other link, let alone an appointment.
 */
const TABLES: readonly TenantIsolation[] = [
  { table: 'patient_link' },
  {
    table: 'link_appointment',
    jobs: { [KafkaJobs.PhiKeyMaintenance]: ['SELECT', 'UPDATE'] },
  },
  { table: 'patient_response' },
  { table: 'staff_inbox_entry' },
  { table: 'ehr_free_slot' },
  { table: 'ehr_slot_snapshot' },
];

const LINK_LOOKUP_POLICY = {
  name: 'patient_link_lookup ON patient_link',
  sql: `CREATE POLICY patient_link_lookup ON patient_link FOR SELECT
          USING (NULLIF(current_setting('${JOB_SETTING}', true), '') = '${MessagingJobs.PatientLink}'
                 AND token_digest = decode(NULLIF(current_setting('${LINK_DIGEST_SETTING}', true), ''), 'hex'))`,
};

export class IsolatePatientLinks1796100000001 implements MigrationInterface {
  name = 'IsolatePatientLinks1796100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await applyTenantIsolation(queryRunner, TABLES);
    await queryRunner.query(LINK_LOOKUP_POLICY.sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY IF EXISTS ${LINK_LOOKUP_POLICY.name}`);
    for (const spec of [...TABLES].reverse()) {
      for (const statement of disableTenantIsolation(spec)) await queryRunner.query(statement);
    }
  }
}
