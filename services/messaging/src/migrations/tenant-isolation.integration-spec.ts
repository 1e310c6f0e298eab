import { randomBytes, randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { KafkaJobs } from '@caredispatch/kafka';
import { migrateDatabase, readWritePrivileges, serviceSchemaOf } from '@caredispatch/platform';
import {
  observeTenantIsolation,
  runAsJob,
  tenantTablesWithoutForcedRls,
  ThrowawayDatabase,
} from '@caredispatch/testing';

import { messagingDatabase } from '../entities';
import { LINK_DIGEST_SETTING, MessagingJobs } from '../message/messaging-jobs';

describe('messaging row-level security', () => {
  let database: ThrowawayDatabase;

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('messaging_rls');
    await migrateDatabase({
      ...serviceSchemaOf(messagingDatabase),
      url: database.ownerUrl,
      applicationName: 'messaging-rls-test',
      runtimeRole: database.roles?.runtime,
      privileges: readWritePrivileges,
    });
  });

  afterAll(async () => {
    await database.drop();
  });

  it('should put every table with a tenant_id under forced row-level security, except the wrapped PHI data keys', async () => {
    // The one reviewed exemption (docs/database-isolation.md): phi_data_key holds only data
    // keys wrapped by the KEK, read outside tenant transactions and re-wrapped across tenants.
    expect(await tenantTablesWithoutForcedRls(database.url)).toEqual(['phi_data_key']);
  });

  it('should show the runtime role only the set tenant’s rows, and let the sender job read and lock all of them but write none', async () => {
    const sut = await observeTenantIsolation(
      database.runtimeUrl,
      {
        table: 'appointment_revision',
        insert: (tenantId) => ({
          sql: `INSERT INTO appointment_revision (tenant_id, appointment_id, revision, updated_at)
                VALUES ($1, $2, 1, now())`,
          params: [tenantId, randomUUID()],
        }),
      },
      { a: 'tenant-a', b: 'tenant-b' },
    );
    const asSender = await runAsJob(database.runtimeUrl, MessagingJobs.Sender, [
      'SELECT DISTINCT tenant_id FROM appointment_revision ORDER BY 1',
      // The claim holds revision rows FOR SHARE: a lock that saw no row would claim nothing.
      'SELECT tenant_id FROM appointment_revision ORDER BY 1 FOR SHARE',
      'UPDATE appointment_revision SET revision = revision + 1 RETURNING tenant_id',
      `INSERT INTO appointment_revision (tenant_id, appointment_id, revision, updated_at)
       VALUES ('tenant-a', gen_random_uuid(), 1, now())`,
    ]);

    expect(sut).toEqual({
      tenantsSeenAsA: ['tenant-a'],
      rowsSeenWithoutTenant: 0,
      foreignInsertError: '42501',
      unscopedInsertError: '42501',
    });
    expect(asSender).toEqual([
      ['tenant-a', 'tenant-b'],
      ['tenant-a', 'tenant-b'],
      '42501',
      '42501',
    ]);
  });

  it.each([
    {
      table: 'consent',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO consent (tenant_id, patient_id, channel, state, changed_at, source, evidence_id)
              VALUES ($1, $2, 'sms', 'withdrawn', now(), 'keyword', 'SM1')`,
        params: [tenantId, randomUUID()],
      }),
    },
    {
      table: 'inbound_message',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO inbound_message (id, provider_message_id, tenant_id, intent, received_at)
              VALUES ($1, $2, $3, 'other', now())`,
        params: [randomUUID(), `SM${randomUUID()}`, tenantId],
      }),
    },
    {
      table: 'undeliverable_number',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO undeliverable_number (tenant_id, to_lookup_hash, error_code, marked_at, evidence_message_id)
              VALUES ($1, $2, '30006', now(), $3)`,
        params: [tenantId, `hash-${randomUUID()}`, randomUUID()],
      }),
    },
    {
      table: 'reminder_settings',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO reminder_settings (tenant_id, settings, updated_at, updated_by)
              VALUES ($1, '{}'::jsonb, now(), 'admin')`,
        params: [tenantId],
      }),
    },
    {
      table: 'reminder_template_override',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO reminder_template_override
                (tenant_id, channel, appointment_type, language, name, template, updated_at, updated_by)
              VALUES ($1, 'sms', 'default', 'es', 'reminder', '{"body":"x"}'::jsonb, now(), 'admin')`,
        params: [tenantId],
      }),
    },
    {
      table: 'patient_link',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO patient_link (id, tenant_id, token_digest, appointment_id, appointment_revision,
                                        correlation_id, expires_at, created_at)
              VALUES ($1, $2, $3, $4, 1, 'c', now() + interval '1 day', now())`,
        params: [randomUUID(), tenantId, randomBytes(32), randomUUID()],
      }),
    },
    {
      table: 'link_appointment',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO link_appointment (tenant_id, appointment_id, revision, ehr_appointment_id,
                practice_name, start_at, end_at, time_zone, location_id, location_name, provider_id,
                provider_display_name, appointment_type_code, cancelled, updated_at)
              VALUES ($1, $2, 1, 'ehr-1', 'Acme', now(), now(), 'UTC', 'l', 'Main', 'p', 'Dr', 't', false, now())`,
        params: [tenantId, randomUUID()],
      }),
    },
    {
      table: 'patient_response',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO patient_response (id, tenant_id, link_id, appointment_id, appointment_revision,
                                            kind, created_at)
              VALUES ($1, $2, $3, $4, 1, 'confirmed', now())`,
        params: [randomUUID(), tenantId, randomUUID(), randomUUID()],
      }),
    },
    {
      table: 'staff_inbox_entry',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO staff_inbox_entry (id, tenant_id, appointment_id, kind, response_id, created_at)
              VALUES ($1, $2, $3, 'call_back_requested', $4, now())`,
        params: [randomUUID(), tenantId, randomUUID(), randomUUID()],
      }),
    },
    {
      table: 'ehr_free_slot',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO ehr_free_slot (tenant_id, slot_id, ehr_schedule_id, ehr_practitioner_ids,
                                         ehr_location_ids, appointment_type_codes, start_at, end_at)
              VALUES ($1, $2, 's', '{}', '{}', '{}', now(), now())`,
        params: [tenantId, randomUUID()],
      }),
    },
    {
      table: 'ehr_slot_snapshot',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO ehr_slot_snapshot (tenant_id, ehr_schedule_id, observed_at) VALUES ($1, $2, now())`,
        params: [tenantId, randomUUID()],
      }),
    },
    {
      table: 'waitlist_offer_text',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO waitlist_offer_text (tenant_id, offer_id, slot_id, patient_id, slot_start,
                                               time_zone, location_name, hold_until, state,
                                               created_at, updated_at)
              VALUES ($1, $2, $3, $4, now(), 'UTC', '', now(), 'open', now(), now())`,
        params: [tenantId, randomUUID(), randomUUID(), randomUUID()],
      }),
    },
    {
      table: 'reschedule_text',
      insert: (tenantId: string) => ({
        sql: `INSERT INTO reschedule_text (tenant_id, appointment_id, appointment_start, state,
                                           correlation_id, event_id, created_at, updated_at)
              VALUES ($1, $2, now(), 'pending', '', '', now(), now())`,
        params: [tenantId, randomUUID()],
      }),
    },
  ])('should show the runtime role only the set tenant’s $table rows', async (probe) => {
    const tenants = { a: `${probe.table}-a`, b: `${probe.table}-b` };

    const sut = await observeTenantIsolation(database.runtimeUrl, probe, tenants);

    expect(sut).toEqual({
      tenantsSeenAsA: [tenants.a],
      rowsSeenWithoutTenant: 0,
      foreignInsertError: '42501',
      unscopedInsertError: '42501',
    });
  });

  it('should let retention expire every tenant’s pending reschedule requests, but insert or delete none', async () => {
    for (const tenantId of ['reschedule-x', 'reschedule-y']) {
      await database.query(
        `INSERT INTO reschedule_text (tenant_id, appointment_id, appointment_start, state,
                                      correlation_id, event_id, created_at, updated_at)
         VALUES ($1, gen_random_uuid(), now(), 'pending', '', '', now(), now())`,
        [tenantId],
      );
    }
    const ours = `tenant_id LIKE 'reschedule-%'`;

    const sut = await runAsJob(database.runtimeUrl, KafkaJobs.Retention, [
      `WITH expired AS (UPDATE reschedule_text SET state = 'expired' WHERE ${ours} RETURNING tenant_id)
       SELECT tenant_id FROM expired ORDER BY 1`,
      `DELETE FROM reschedule_text WHERE ${ours} RETURNING tenant_id`,
      `INSERT INTO reschedule_text (tenant_id, appointment_id, appointment_start, state,
                                    correlation_id, event_id, created_at, updated_at)
       VALUES ('reschedule-x', gen_random_uuid(), now(), 'pending', '', '', now(), now())`,
    ]);

    expect(sut).toEqual([['reschedule-x', 'reschedule-y'], [], '42501']);
  });

  it('should let the sender read every tenant’s undeliverable numbers (its claim joins them) but change none', async () => {
    for (const tenantId of ['undeliverable-x', 'undeliverable-y']) {
      await database.query(
        `INSERT INTO undeliverable_number (tenant_id, to_lookup_hash, error_code, marked_at, evidence_message_id)
         VALUES ($1, 'hash-x', '30003', now(), gen_random_uuid())`,
        [tenantId],
      );
    }

    const sut = await runAsJob(database.runtimeUrl, MessagingJobs.Sender, [
      `SELECT tenant_id FROM undeliverable_number WHERE tenant_id LIKE 'undeliverable-%' ORDER BY 1`,
      `UPDATE undeliverable_number SET error_code = '30006' RETURNING tenant_id`,
      `DELETE FROM undeliverable_number RETURNING tenant_id`,
      `INSERT INTO undeliverable_number (tenant_id, to_lookup_hash, error_code, marked_at, evidence_message_id)
       VALUES ('undeliverable-x', 'hash-y', '30003', now(), gen_random_uuid())`,
    ]);
    const asStatusJob = await runAsJob(database.runtimeUrl, MessagingJobs.TwilioStatus, [
      `SELECT tenant_id FROM undeliverable_number`,
    ]);

    expect(sut).toEqual([['undeliverable-x', 'undeliverable-y'], [], [], '42501']);
    // The status callback marks numbers only once scoped to the message's tenant.
    expect(asStatusJob).toEqual([[]]);
  });

  describe('the inbound-sms job (a reply names a number, not a tenant)', () => {
    const tenants = ['inbound-a', 'inbound-b'];

    beforeAll(async () => {
      // Seeded as the superuser: for each tenant, a sent confirmation with a blind index, a reply
      // text we sent back, a consent record and a matched inbound reply; plus one unmatched reply.
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        for (const tenantId of tenants) {
          const appointmentId = randomUUID();
          await client.query(
            `INSERT INTO appointment_revision (tenant_id, appointment_id, revision, updated_at)
             VALUES ($1, $2, 1, now())`,
            [tenantId, appointmentId],
          );
          for (const purpose of ['confirmation', 'reply', 'waitlist_offer']) {
            await client.query(
              `INSERT INTO message (id, tenant_id, appointment_id, revision, purpose, channel, state,
                                    to_e164, body, provider_message_id, next_attempt_at,
                                    correlation_id, last_event_id, created_at, updated_at, sent_at,
                                    patient_id, to_lookup_hash)
               VALUES ($1, $2, $3, 1, $4, 'sms', 'sent', 'phi1.x', 'phi1.y', $5, now(), $6, $7,
                       now(), now(), now(), $8, 'hash')`,
              [
                randomUUID(),
                tenantId,
                appointmentId,
                purpose,
                `SM${randomUUID()}`,
                randomUUID(),
                randomUUID(),
                randomUUID(),
              ],
            );
          }
          await client.query(
            `INSERT INTO consent (tenant_id, patient_id, channel, state, changed_at, source, evidence_id)
             VALUES ($1, $2, 'sms', 'withdrawn', now(), 'keyword', 'SM1')`,
            [tenantId, randomUUID()],
          );
          await client.query(
            `INSERT INTO inbound_message (id, provider_message_id, tenant_id, intent, body, received_at)
             VALUES ($1, $2, $3, 'other', 'phi1.z', now())`,
            [randomUUID(), `SM${randomUUID()}`, tenantId],
          );
        }
        await client.query(
          `INSERT INTO inbound_message (id, provider_message_id, intent, received_at)
           VALUES ($1, $2, 'other', now())`,
          [randomUUID(), `SM${randomUUID()}`],
        );
      } finally {
        await client.end();
      }
    });

    it('should let it read only the texts a reply can answer and the tenants’ revisions, and store only a reply without tenant or text', async () => {
      const sut = await runAsJob(database.runtimeUrl, MessagingJobs.InboundSms, [
        `SELECT DISTINCT tenant_id FROM appointment_revision WHERE tenant_id LIKE 'inbound-%' ORDER BY 1`,
        `SELECT tenant_id, purpose FROM message WHERE tenant_id LIKE 'inbound-%' ORDER BY 1, 2`,
        // runAsJob reports the tenant_id column: the purposes are read under that name.
        `SELECT DISTINCT purpose AS tenant_id FROM message WHERE tenant_id LIKE 'inbound-%' ORDER BY 1`,
        `SELECT tenant_id FROM waitlist_offer_text`,
        `SELECT tenant_id FROM consent`,
        `SELECT tenant_id FROM inbound_message`,
        `INSERT INTO inbound_message (id, provider_message_id, intent, received_at)
         VALUES (gen_random_uuid(), 'SM-unmatched', 'other', now()) RETURNING tenant_id`,
        `INSERT INTO inbound_message (id, provider_message_id, intent, body, received_at)
         VALUES (gen_random_uuid(), 'SM-with-text', 'other', 'Yes', now())`,
        `INSERT INTO inbound_message (id, provider_message_id, tenant_id, intent, received_at)
         VALUES (gen_random_uuid(), 'SM-tenant', 'inbound-a', 'other', now())`,
        `UPDATE message SET updated_at = now() RETURNING tenant_id`,
        `DELETE FROM inbound_message RETURNING tenant_id`,
        `UPDATE appointment_revision SET revision = revision + 1 RETURNING tenant_id`,
      ]);

      expect(sut).toEqual([
        ['inbound-a', 'inbound-b'],
        ['inbound-a', 'inbound-a', 'inbound-b', 'inbound-b'],
        // An offer text is answerable too (YES takes it); replies we sent are not.
        ['confirmation', 'waitlist_offer'],
        [],
        [],
        [null],
        [null],
        '42501',
        '42501',
        [],
        [],
        [],
      ]);
    });

    it('should let the sender read every tenant’s consent (checked at send time) but change none', async () => {
      const sut = await runAsJob(database.runtimeUrl, MessagingJobs.Sender, [
        `SELECT tenant_id FROM consent WHERE tenant_id LIKE 'inbound-%' ORDER BY 1`,
        `UPDATE consent SET state = 'granted' RETURNING tenant_id`,
        `SELECT tenant_id FROM inbound_message`,
      ]);

      expect(sut).toEqual([['inbound-a', 'inbound-b'], [], []]);
    });

    it.each([KafkaJobs.PhiKeyMaintenance, KafkaJobs.Retention])(
      'should let %s rewrite every tenant’s reply texts (re-encrypt, scrub)',
      async (job) => {
        const sut = await runAsJob(database.runtimeUrl, job, [
          `WITH updated AS (
             UPDATE inbound_message SET body = body WHERE body IS NOT NULL RETURNING tenant_id)
           SELECT tenant_id FROM updated ORDER BY 1`,
        ]);

        expect(sut).toEqual([['inbound-a', 'inbound-b']]);
      },
    );
  });
  describe('the patient-link job (a link token names no tenant)', () => {
    const digests = { a: randomBytes(32), b: randomBytes(32) };

    beforeAll(async () => {
      // Seeded as the superuser: a link, its appointment view and an answer per tenant.
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        for (const [tenant, digest] of Object.entries(digests)) {
          const tenantId = `link-${tenant}`;
          const appointmentId = randomUUID();
          const linkId = randomUUID();
          await client.query(
            `INSERT INTO patient_link (id, tenant_id, token_digest, appointment_id, appointment_revision,
                                       correlation_id, expires_at, created_at)
             VALUES ($1, $2, $3, $4, 1, 'c', now() + interval '1 day', now())`,
            [linkId, tenantId, digest, appointmentId],
          );
          await client.query(
            `INSERT INTO link_appointment (tenant_id, appointment_id, revision, ehr_appointment_id,
               practice_name, start_at, end_at, time_zone, location_id, location_name, address,
               provider_id, provider_display_name, appointment_type_code, cancelled, updated_at)
             VALUES ($1, $2, 1, 'ehr-1', 'Acme', now(), now(), 'UTC', 'l', 'Main', 'phi1.a', 'p',
                     'Dr', 't', false, now())`,
            [tenantId, appointmentId],
          );
          await client.query(
            `INSERT INTO patient_response (id, tenant_id, link_id, appointment_id, appointment_revision,
                                           kind, created_at)
             VALUES ($1, $2, $3, $4, 1, 'confirmed', now())`,
            [randomUUID(), tenantId, linkId, appointmentId],
          );
        }
      } finally {
        await client.end();
      }
    });

    /** Each statement in its own transaction of the job, naming `digest` (or none). */
    async function asLinkLookup(
      digest: Buffer | undefined,
      statements: readonly string[],
    ): Promise<(string[] | string)[]> {
      const client = new Client({ connectionString: database.runtimeUrl });
      await client.connect();
      try {
        const results: (string[] | string)[] = [];
        for (const statement of statements) {
          await client.query('BEGIN');
          await client.query(`SELECT set_config('app.job', $1, true)`, [MessagingJobs.PatientLink]);
          if (digest) {
            await client.query(`SELECT set_config('${LINK_DIGEST_SETTING}', $1, true)`, [
              digest.toString('hex'),
            ]);
          }
          results.push(
            await client.query<{ tenant_id: string }>(statement).then(
              (result) => result.rows.map((row) => row.tenant_id),
              (error: unknown) => String((error as { code?: unknown }).code),
            ),
          );
          await client.query('ROLLBACK');
        }
        return results;
      } finally {
        await client.end();
      }
    }

    it('should let it read the one link whose digest it names, and nothing else', async () => {
      const sut = await asLinkLookup(digests.a, [
        `SELECT tenant_id FROM patient_link WHERE tenant_id LIKE 'link-%'`,
        `SELECT tenant_id FROM link_appointment`,
        `SELECT tenant_id FROM patient_response`,
        `SELECT tenant_id FROM message`,
        `UPDATE patient_link SET revoked_at = now() RETURNING tenant_id`,
        `DELETE FROM patient_link RETURNING tenant_id`,
        `INSERT INTO patient_link (id, tenant_id, token_digest, appointment_id, appointment_revision,
                                   correlation_id, expires_at, created_at)
         VALUES (gen_random_uuid(), 'link-a', '\\x00', gen_random_uuid(), 1, 'c', now(), now())`,
      ]);
      const withoutDigest = await asLinkLookup(undefined, [`SELECT tenant_id FROM patient_link`]);

      expect(sut).toEqual([['link-a'], [], [], [], [], [], '42501']);
      expect(withoutDigest).toEqual([[]]);
    });

    it('should let PHI key maintenance re-encrypt every tenant’s visit address', async () => {
      const sut = await runAsJob(database.runtimeUrl, KafkaJobs.PhiKeyMaintenance, [
        `WITH updated AS (
           UPDATE link_appointment SET address = address WHERE address IS NOT NULL RETURNING tenant_id)
         SELECT tenant_id FROM updated WHERE tenant_id LIKE 'link-%' ORDER BY 1`,
      ]);

      expect(sut).toEqual([['link-a', 'link-b']]);
    });
  });
});
