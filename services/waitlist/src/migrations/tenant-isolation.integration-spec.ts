import { randomUUID } from 'node:crypto';

import { KafkaJobs } from '@caredispatch/kafka';
import { migrateDatabase, readWritePrivileges, serviceSchemaOf } from '@caredispatch/platform';
import {
  observeTenantIsolation,
  runAsJob,
  tenantTablesWithoutForcedRls,
  ThrowawayDatabase,
} from '@caredispatch/testing';

import { waitlistDatabase } from '../app.module';
import { WaitlistJobs } from '../slots/waitlist-jobs';

/** An open entry of `tenantId`, as staff add it. */
function entryRow(tenantId: string, id = randomUUID()): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO waitlist_entry
            (id, tenant_id, patient_id, appointment_type_code, provider_ids, location_ids,
             earliest_date, latest_date, weekdays, times_of_day, urgency, channels, status,
             declines, waiting_since, created_at, updated_at)
          VALUES ($1, $2, $3, 'follow-up', '{}', '{}', '2026-12-01', '2026-12-14', '{1,2,3,4,5}',
                  '[]', 'routine', '{sms}', 'open', 0, now(), now(), now())`,
    params: [id, tenantId, `patient-${randomUUID()}`],
  };
}

/** A slot being offered in `tenantId`, as a cancellation frees it. */
function slotRow(tenantId: string, id = randomUUID()): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO freed_slot
            (id, tenant_id, freed_by_appointment_id, start_at, end_at, time_zone,
             appointment_type_code, provider_id, location_id, status, wave, offers_made, opened_at)
          VALUES ($1, $2, $3, now() + interval '1 day', now() + interval '1 day 30 minutes',
                  'America/New_York', 'follow-up', 'prov-1', 'loc-1', 'offering', 1, 1, now())`,
    params: [id, tenantId, randomUUID()],
  };
}

/** An offer of `tenantId` whose hold ran out a minute ago. */
function dueOfferRow(tenantId: string): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO waitlist_offer
            (id, tenant_id, slot_id, entry_id, patient_id, wave, rank, status, hold_until,
             explanation, created_at)
          VALUES ($1, $2, $3, $4, 'patient-1', 1, 1, 'open', now() - interval '1 minute', '{}', now())`,
    params: [randomUUID(), tenantId, randomUUID(), randomUUID()],
  };
}

describe('waitlist row-level security', () => {
  let database: ThrowawayDatabase;

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('waitlist_rls');
    await migrateDatabase({
      ...serviceSchemaOf(waitlistDatabase),
      url: database.ownerUrl,
      applicationName: 'waitlist-rls-test',
      runtimeRole: database.roles?.runtime,
      privileges: readWritePrivileges,
    });
  });

  afterAll(async () => {
    await database.drop();
  });

  it('should put every table with a tenant_id under forced row-level security, the outbox included', async () => {
    expect(await tenantTablesWithoutForcedRls(database.url)).toEqual([]);
  });

  it.each([
    ['waitlist_entry', entryRow],
    ['freed_slot', slotRow],
    ['waitlist_offer', dueOfferRow],
  ])(
    'should show the runtime role only the set tenant’s %s rows, even to an unfiltered query',
    async (table, insert) => {
      const sut = await observeTenantIsolation(
        database.runtimeUrl,
        { table, insert: (tenantId) => insert(tenantId) },
        { a: `${table}-a`, b: `${table}-b` },
      );

      expect(sut).toEqual({
        tenantsSeenAsA: [`${table}-a`],
        rowsSeenWithoutTenant: 0,
        foreignInsertError: '42501',
        unscopedInsertError: '42501',
      });
    },
  );

  it('should let the hold-expiry job find every tenant’s due offers but change none, and read no entry or slot', async () => {
    const tenants = ['hold-tenant-a', 'hold-tenant-b'];
    // Seeded as the superuser (no policy applies).
    for (const tenant of tenants) {
      for (const row of [entryRow(tenant), slotRow(tenant), dueOfferRow(tenant)]) {
        await database.query(row.sql, row.params);
      }
    }
    const ours = `tenant_id IN ('hold-tenant-a', 'hold-tenant-b')`;
    const offerOfA = `INSERT INTO waitlist_offer
        (id, tenant_id, slot_id, entry_id, patient_id, wave, rank, status, hold_until,
         explanation, created_at)
      VALUES (gen_random_uuid(), 'hold-tenant-a', gen_random_uuid(), gen_random_uuid(),
              'patient-2', 1, 1, 'open', now(), '{}', now())`;
    const distinct = (table: string): string =>
      `SELECT DISTINCT tenant_id FROM ${table} WHERE ${ours} ORDER BY 1`;

    const sut = await runAsJob(database.runtimeUrl, WaitlistJobs.HoldExpiry, [
      `SELECT DISTINCT tenant_id FROM waitlist_offer
        WHERE status = 'open' AND hold_until <= now() AND ${ours} ORDER BY 1`,
      `WITH expired AS (UPDATE waitlist_offer SET status = 'expired' WHERE ${ours} RETURNING tenant_id)
       SELECT DISTINCT tenant_id FROM expired`,
      distinct('waitlist_entry'),
      distinct('freed_slot'),
      offerOfA,
    ]);

    expect(sut).toEqual([tenants, [], [], [], '42501']);
    expect(
      await runAsJob(database.runtimeUrl, KafkaJobs.OutboxRelay, [distinct('waitlist_offer')]),
    ).toEqual([[]]);
  });
  it('should let the wave-resume job find every tenant’s waiting slots but change none, and read no entry or offer', async () => {
    const tenants = ['resume-tenant-a', 'resume-tenant-b'];
    for (const tenant of tenants) {
      for (const row of [entryRow(tenant), slotRow(tenant), dueOfferRow(tenant)]) {
        await database.query(row.sql, row.params);
      }
    }
    await database.query(
      `UPDATE freed_slot SET waves_paused_until = now() - interval '1 minute'
        WHERE tenant_id = ANY($1::text[])`,
      [tenants],
    );
    const ours = `tenant_id IN ('resume-tenant-a', 'resume-tenant-b')`;
    const distinct = (table: string): string =>
      `SELECT DISTINCT tenant_id FROM ${table} WHERE ${ours} ORDER BY 1`;

    const sut = await runAsJob(database.runtimeUrl, WaitlistJobs.WaveResume, [
      `SELECT DISTINCT tenant_id FROM freed_slot
        WHERE status = 'offering' AND waves_paused_until <= now() AND ${ours} ORDER BY 1`,
      `WITH resumed AS (UPDATE freed_slot SET waves_paused_until = NULL WHERE ${ours} RETURNING tenant_id)
       SELECT DISTINCT tenant_id FROM resumed`,
      distinct('waitlist_entry'),
      distinct('waitlist_offer'),
    ]);

    expect(sut).toEqual([tenants, [], [], []]);
  });
});
