import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  disableTenantIsolation,
  applyTenantIsolation,
  JOB_SETTING,
  KafkaJobs,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { MessagingJobs } from '../message/messaging-jobs';

/**
 * Row-level security on two-way SMS's tables (1795900000004/5), which came after
 * 1796000000000:
 * - `consent`: the sender's claim reads it (consent is checked at send time); every change is
 *   made in a transaction scoped to the patient's tenant.
 * - `inbound_message`: written in the matched tenant's transaction; PHI key maintenance
 *   re-encrypts its `body` across tenants, and retention drops old bodies across tenants.
 * - `reminder_settings`: the consumer and the admin API, always for one tenant.
 *
 * An inbound SMS names a phone number, not a tenant. The inbound-sms job gets exactly what the
 * match needs and no more (narrower than enableTenantIsolation's per-command grants):
 * - on `message`, SELECT of the texts a reply can answer (a blind index is set, a confirmation
 *   or reminder) — not replies, not anything else;
 * - on `appointment_revision`, SELECT (ids, revision, cancelled: no PHI) to list the tenants
 *   whose blind index to compute and to know whether the answered visit is still open;
 * - on `inbound_message`, INSERT and SELECT (the INSERT's RETURNING) of rows WITHOUT a
 *   tenant: a reply from a number no tenant ever texted, stored without its text.
 * It can neither update nor delete anything, and it reads no tenant's replies or consent.
 */
const TABLES: readonly TenantIsolation[] = [
  { table: 'consent', jobs: { [MessagingJobs.Sender]: ['SELECT'] } },
  {
    table: 'inbound_message',
    jobs: {
      [KafkaJobs.PhiKeyMaintenance]: ['SELECT', 'UPDATE'],
      [KafkaJobs.Retention]: ['SELECT', 'UPDATE'],
    },
  },
  { table: 'reminder_settings' },
];

const inboundJob = `NULLIF(current_setting('${JOB_SETTING}', true), '') = '${MessagingJobs.InboundSms}'`;

const INBOUND_MATCH_POLICIES: readonly { readonly name: string; readonly sql: string }[] = [
  {
    name: 'inbound_sms_match ON message',
    sql: `CREATE POLICY inbound_sms_match ON message FOR SELECT
            USING (${inboundJob} AND to_lookup_hash IS NOT NULL AND purpose IN ('confirmation', 'reminder'))`,
  },
  {
    name: 'inbound_sms_match ON appointment_revision',
    sql: `CREATE POLICY inbound_sms_match ON appointment_revision FOR SELECT USING (${inboundJob})`,
  },
  {
    name: 'inbound_sms_unmatched_insert ON inbound_message',
    sql: `CREATE POLICY inbound_sms_unmatched_insert ON inbound_message FOR INSERT
            WITH CHECK (${inboundJob} AND tenant_id IS NULL AND body IS NULL)`,
  },
  {
    name: 'inbound_sms_unmatched_select ON inbound_message',
    sql: `CREATE POLICY inbound_sms_unmatched_select ON inbound_message FOR SELECT
            USING (${inboundJob} AND tenant_id IS NULL)`,
  },
];

export class IsolateRepliesAndConsent1796000000001 implements MigrationInterface {
  name = 'IsolateRepliesAndConsent1796000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await applyTenantIsolation(queryRunner, TABLES);
    for (const policy of INBOUND_MATCH_POLICIES) await queryRunner.query(policy.sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const policy of [...INBOUND_MATCH_POLICIES].reverse()) {
      await queryRunner.query(`DROP POLICY IF EXISTS ${policy.name}`);
    }
    for (const spec of [...TABLES].reverse()) {
      for (const statement of disableTenantIsolation(spec)) await queryRunner.query(statement);
    }
  }
}
