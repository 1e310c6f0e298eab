import { randomBytes, randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { KafkaJobs } from '@caredispatch/kafka';
import { migrateDatabase, readWritePrivileges, serviceSchemaOf } from '@caredispatch/platform';
import {
  observeTenantIsolation,
  runAsJob,
  tenantTablesWithoutForcedRls,
  ThrowawayDatabase,
  type TenantRowProbe,
} from '@caredispatch/testing';

import { dispatchOptimizerDatabase } from '../app.module';
import { DispatchJobs, ITINERARY_LINK_DIGEST_SETTING } from '../tenancy';

const row = (sql: string, params: (tenantId: string) => unknown[]) => (tenantId: string) => ({
  sql,
  params: params(tenantId),
});

/** One row of each dispatch table, as the service writes it, for any tenant. */
const PROBES: readonly TenantRowProbe[] = [
  {
    table: 'dispatch_provider',
    insert: row(
      `INSERT INTO dispatch_provider (tenant_id, provider_id, display_name, credentials, home_base,
         clinic_ids, weekly_availability, availability_exceptions, max_hours_per_day,
         max_hours_per_week, delivery, active, updated_at)
       VALUES ($1, $2, 'P', '{RN}', '{}', '{}', '[]', '[]', 8, 40, '{}', true, now())`,
      (tenantId) => [tenantId, randomUUID()],
    ),
  },
  {
    table: 'dispatch_appointment_type_rule',
    insert: row(
      `INSERT INTO dispatch_appointment_type_rule (tenant_id, type_code, required_credentials,
         visit_mode, default_duration_minutes, priority, updated_at)
       VALUES ($1, $2, '{RN}', 'home', 45, 1, now())`,
      (tenantId) => [tenantId, randomUUID()],
    ),
  },
  {
    table: 'dispatch_clinic',
    insert: row(
      `INSERT INTO dispatch_clinic (tenant_id, clinic_id, name, address, coordinates, location_ids,
         opening_hours, blocks, updated_at)
       VALUES ($1, $2, 'C', 'A', '{}', '{}', '[]', '[]', now())`,
      (tenantId) => [tenantId, randomUUID()],
    ),
  },
  {
    table: 'dispatch_tenant_settings',
    insert: row(
      `INSERT INTO dispatch_tenant_settings (tenant_id, time_zone, weekly_run_day, weekly_run_time,
         weekly_plan_days, maps_monthly_element_budget, updated_at)
       VALUES ($1, 'UTC', 'sun', '17:00', '{mon}', 1000, now())`,
      (tenantId) => [tenantId],
    ),
  },
  {
    table: 'dispatch_appointment',
    insert: row(
      `INSERT INTO dispatch_appointment (tenant_id, appointment_id, revision, status, start_at,
         end_at, type_code, patient_display_name, location_id, time_zone, address_line,
         geocode_status, planned_revision, updated_at)
       VALUES ($1, $2, 2, 'booked', now(), now(), 'home-visit', 'Ana R.', 'l', 'UTC', '1 Elm St',
         'pending', 1, now())`,
      (tenantId) => [tenantId, randomUUID()],
    ),
  },
  {
    table: 'geocode_cache',
    insert: row(
      `INSERT INTO geocode_cache (tenant_id, address_key, lat, lon, resolved, created_at)
       VALUES ($1, $2, 1, 2, true, now())`,
      (tenantId) => [tenantId, randomUUID()],
    ),
  },
  {
    table: 'travel_time_cache',
    insert: row(
      `INSERT INTO travel_time_cache (tenant_id, origin_key, destination_key, bucket, seconds,
         meters, fetched_at)
       VALUES ($1, $2, 'd', 'mon-08', 60, 1000, now())`,
      (tenantId) => [tenantId, randomUUID()],
    ),
  },
  {
    table: 'maps_usage',
    insert: row(
      `INSERT INTO maps_usage (tenant_id, month, billed_elements) VALUES ($1, $2, 10)`,
      (tenantId) => [tenantId, randomUUID().slice(0, 7)],
    ),
  },
  {
    table: 'dispatch_plan',
    insert: row(
      `INSERT INTO dispatch_plan (tenant_id, plan_id, version, kind, horizon_from, horizon_until,
         horizon_days, plan, inputs, inputs_phi, created_at)
       VALUES ($1, $2, 1, 'weekly', now(), now(), '{}', '\\x00', '{}', '\\x00', now())`,
      (tenantId) => [tenantId, randomUUID()],
    ),
  },
  {
    table: 'dispatch_exception',
    insert: row(
      `INSERT INTO dispatch_exception (exception_id, tenant_id, kind, reason, dedupe_key, detail,
         status, created_at)
       VALUES ($2, $1, 'unserved', 'NO_CREDENTIALED_PROVIDER', $3, '{}', 'open', now())`,
      (tenantId) => [tenantId, randomUUID(), randomUUID()],
    ),
  },
  {
    table: 'dispatch_call_out',
    insert: row(
      `INSERT INTO dispatch_call_out (call_out_id, tenant_id, provider_id, from_at, reason, source,
         outcome, created_at)
       VALUES ($2, $1, 'rn-1', now(), 'sick', 'api', '{}', now())`,
      (tenantId) => [tenantId, randomUUID()],
    ),
  },
  {
    table: 'itinerary_delivery',
    insert: (tenantId) => dueDelivery(tenantId),
  },
  {
    table: 'coordinator_notice',
    insert: (tenantId) => dueNotice(tenantId),
  },
  {
    table: 'dispatch_roster_import',
    insert: row(
      `INSERT INTO dispatch_roster_import (tenant_id, import_id, status, requested_at)
       VALUES ($1, $2, 'requested', now())`,
      (tenantId) => [tenantId, randomUUID()],
    ),
  },
  {
    table: 'dispatch_roster_import_mapping',
    insert: row(
      `INSERT INTO dispatch_roster_import_mapping (tenant_id, qualifications,
         default_weekly_availability, max_hours_per_day, max_hours_per_week, updated_at)
       VALUES ($1, '[]', '[]', 8, 40, now())`,
      (tenantId) => [tenantId],
    ),
  },
  {
    table: 'itinerary_link',
    insert: (tenantId) => anItineraryLink(tenantId, randomBytes(32)),
  },
  {
    table: 'dispatch_ehr_assignment_request',
    insert: row(
      `INSERT INTO dispatch_ehr_assignment_request (tenant_id, appointment_id, ehr_practitioner_id,
         booked_ehr_practitioner_id, plan_id, plan_version, requested_at)
       VALUES ($1, $2, 'prac-2', 'prac-1', $3, 1, now())`,
      (tenantId) => [tenantId, randomUUID(), randomUUID()],
    ),
  },
];

/** The link of one SMS itinerary, found by `digest`. */
function anItineraryLink(tenantId: string, digest: Buffer): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO itinerary_link (delivery_id, tenant_id, token_digest, plan_id, plan_version,
            provider_id, days, expires_at, created_at)
          VALUES ($1, $2, $3, $4, 1, 'rn-1', '{2030-03-11}', now() + interval '1 day', now())`,
    params: [randomUUID(), tenantId, digest, randomUUID()],
  };
}

/** A queued itinerary delivery that is due now. */
function dueDelivery(tenantId: string): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO itinerary_delivery (id, tenant_id, plan_id, plan_version, provider_id, days,
            revised, channel, state, next_attempt_at, created_at)
          VALUES ($1, $2, $3, 1, 'rn-1', '{2030-03-11}', false, 'slack', 'queued',
            now() - interval '1 minute', now())`,
    params: [randomUUID(), tenantId, randomUUID()],
  };
}

/** A queued coordinator notice that is due now. */
function dueNotice(tenantId: string): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO coordinator_notice (id, tenant_id, dedupe_key, target, content, state,
            next_attempt_at, created_at)
          VALUES ($1, $2, $3, 'slack', '{}', 'queued', now() - interval '1 minute', now())`,
    params: [randomUUID(), tenantId, randomUUID()],
  };
}

describe('dispatch-optimizer row-level security', () => {
  let database: ThrowawayDatabase;

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('dispatch_rls');
    await migrateDatabase({
      ...serviceSchemaOf(dispatchOptimizerDatabase),
      url: database.ownerUrl,
      applicationName: 'dispatch-optimizer-rls-test',
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

  it.each(PROBES.map((probe) => [probe.table, probe] as const))(
    'should show the runtime role only the set tenant’s %s rows, even to an unfiltered query',
    async (_table, probe) => {
      const sut = await observeTenantIsolation(database.runtimeUrl, probe, {
        a: `${probe.table}-a`,
        b: `${probe.table}-b`,
      });

      expect(sut).toEqual({
        tenantsSeenAsA: [`${probe.table}-a`],
        rowsSeenWithoutTenant: 0,
        foreignInsertError: '42501',
        unscopedInsertError: '42501',
      });
    },
  );

  /** Seeds, as the superuser (no policy applies), one row per tenant of `insert`. */
  async function seed(
    tenants: readonly string[],
    insert: (tenantId: string) => { sql: string; params: unknown[] },
  ): Promise<void> {
    for (const tenant of tenants) {
      const { sql, params } = insert(tenant);
      await database.query(sql, params);
    }
  }

  const distinct = (statement: string) =>
    `SELECT DISTINCT tenant_id FROM (${statement}) AS found ORDER BY 1`;

  it('should let plan maintenance read every tenant’s unplanned changes and settings, and change or read nothing else', async () => {
    const tenants = ['pm-tenant-a', 'pm-tenant-b'];
    await seed(tenants, PROBES[4].insert);
    await seed(tenants, PROBES[3].insert);
    await seed(tenants, PROBES[0].insert);
    const ours = `tenant_id IN ('pm-tenant-a', 'pm-tenant-b')`;

    const sut = await runAsJob(database.runtimeUrl, DispatchJobs.PlanMaintenance, [
      // DispatchAppointmentRepository.changed and TenantSettingsService.all, as they run.
      distinct(
        `SELECT tenant_id FROM dispatch_appointment WHERE revision > planned_revision AND ${ours}`,
      ),
      distinct(`SELECT tenant_id FROM dispatch_tenant_settings WHERE ${ours}`),
      `WITH marked AS (UPDATE dispatch_appointment SET planned_revision = revision WHERE ${ours}
         RETURNING tenant_id) SELECT DISTINCT tenant_id FROM marked`,
      distinct(`SELECT tenant_id FROM dispatch_provider WHERE ${ours}`),
      PROBES[4]
        .insert('pm-tenant-a')
        .sql.replace('$1', `'pm-tenant-a'`)
        .replace('$2', `'${randomUUID()}'`),
    ]);

    expect(sut).toEqual([tenants, tenants, [], [], '42501']);
  });

  it('should let PHI key maintenance re-encrypt (read, update) every tenant’s appointment copies, plans and exceptions, and insert, delete or read nothing else', async () => {
    const tenants = ['phi-tenant-a', 'phi-tenant-b'];
    const phiTables = ['dispatch_appointment', 'dispatch_plan', 'dispatch_exception'];
    for (const table of [...phiTables, 'dispatch_provider']) {
      const probe = PROBES.find((candidate) => candidate.table === table);
      if (!probe) throw new Error(`no probe of ${table}`);
      await seed(tenants, probe.insert);
    }
    const ours = `tenant_id IN ('phi-tenant-a', 'phi-tenant-b')`;
    // columnReencryption's batch, as it runs: a read, then one UPDATE per value.
    const touched = (table: string, column: string) =>
      `WITH changed AS (UPDATE ${table} SET ${column} = ${column} WHERE ${ours}
         RETURNING tenant_id) SELECT DISTINCT tenant_id FROM changed ORDER BY 1`;

    const sut = await runAsJob(database.runtimeUrl, KafkaJobs.PhiKeyMaintenance, [
      ...phiTables.map((table) => distinct(`SELECT tenant_id FROM ${table} WHERE ${ours}`)),
      touched('dispatch_appointment', 'patient_display_name'),
      touched('dispatch_plan', 'plan'),
      touched('dispatch_exception', 'detail'),
      `WITH removed AS (DELETE FROM dispatch_plan WHERE ${ours} RETURNING tenant_id)
         SELECT DISTINCT tenant_id FROM removed`,
      distinct(`SELECT tenant_id FROM dispatch_provider WHERE ${ours}`),
    ]);

    expect(sut).toEqual([tenants, tenants, tenants, tenants, tenants, tenants, [], []]);
  });

  it('should let the itinerary sender claim (read, lock, lease) every tenant’s due deliveries but queue or delete none, and give it no coordinator notice', async () => {
    const tenants = ['send-tenant-a', 'send-tenant-b'];
    await seed(tenants, dueDelivery);
    await seed(tenants, dueNotice);
    const ours = `tenant_id IN ('send-tenant-a', 'send-tenant-b')`;
    // ItineraryDeliveryRepository.claimDue, as it runs.
    const claim = `WITH due AS (
        SELECT id FROM itinerary_delivery WHERE state = 'queued' AND next_attempt_at <= now()
          AND ${ours} FOR UPDATE SKIP LOCKED)
      UPDATE itinerary_delivery d SET state = 'sending', lease_expires_at = now() + interval '1 minute',
        attempts = d.attempts + 1 FROM due WHERE d.id = due.id RETURNING d.tenant_id`;
    const queue = dueDelivery('send-tenant-a');

    const sut = await runAsJob(database.runtimeUrl, DispatchJobs.ItineraryDelivery, [
      `WITH claimed AS (${claim}) SELECT DISTINCT tenant_id FROM claimed ORDER BY 1`,
      queue.sql
        .replace('$1', `'${randomUUID()}'`)
        .replace('$2', `'send-tenant-a'`)
        .replace('$3', `'${randomUUID()}'`),
      `WITH removed AS (DELETE FROM itinerary_delivery WHERE ${ours} RETURNING tenant_id)
         SELECT DISTINCT tenant_id FROM removed`,
      distinct(`SELECT tenant_id FROM coordinator_notice WHERE ${ours}`),
    ]);

    expect(sut).toEqual([tenants, '42501', [], []]);
  });

  it('should let the coordinator notifier claim every tenant’s due notices, and give it no itinerary delivery', async () => {
    const tenants = ['notice-tenant-a', 'notice-tenant-b'];
    await seed(tenants, dueNotice);
    await seed(tenants, dueDelivery);
    const ours = `tenant_id IN ('notice-tenant-a', 'notice-tenant-b')`;
    // CoordinatorNoticeRepository.claim('due'), as it runs.
    const claim = `WITH picked AS (
        SELECT id FROM coordinator_notice WHERE state = 'queued' AND next_attempt_at <= now()
          AND ${ours} FOR UPDATE SKIP LOCKED),
      claimed AS (UPDATE coordinator_notice n SET state = 'sending',
        lease_expires_at = now() + interval '1 minute' FROM picked WHERE n.id = picked.id
        RETURNING n.tenant_id)
      SELECT DISTINCT tenant_id FROM claimed ORDER BY 1`;

    const sut = await runAsJob(database.runtimeUrl, DispatchJobs.CoordinatorNotices, [
      claim,
      distinct(`SELECT tenant_id FROM itinerary_delivery WHERE ${ours}`),
    ]);
    const others = await runAsJob(database.runtimeUrl, KafkaJobs.OutboxRelay, [
      distinct(`SELECT tenant_id FROM coordinator_notice WHERE ${ours}`),
      distinct(`SELECT tenant_id FROM dispatch_appointment`),
    ]);

    expect(sut).toEqual([tenants, []]);
    expect(others).toEqual([[], []]);
  });
  it('should let the itinerary-link lookup read the one link whose digest it names, and nothing else', async () => {
    const digests = { a: randomBytes(32), b: randomBytes(32) };
    await seed(['link-tenant-a'], (tenantId) => anItineraryLink(tenantId, digests.a));
    await seed(['link-tenant-b'], (tenantId) => anItineraryLink(tenantId, digests.b));
    await seed(['link-tenant-a'], dueDelivery);

    const sut = await asLinkLookup(digests.a, [
      `SELECT tenant_id FROM itinerary_link WHERE tenant_id LIKE 'link-tenant-%'`,
      `SELECT tenant_id FROM itinerary_delivery WHERE tenant_id LIKE 'link-tenant-%'`,
      `SELECT tenant_id FROM dispatch_plan`,
      `UPDATE itinerary_link SET expires_at = now() + interval '1 year' RETURNING tenant_id`,
      `DELETE FROM itinerary_link RETURNING tenant_id`,
      anItineraryLink('link-tenant-a', randomBytes(32))
        .sql.replace('$1', `'${randomUUID()}'`)
        .replace('$2', `'link-tenant-a'`)
        .replace('$3', `'\\x00'`)
        .replace('$4', `'${randomUUID()}'`),
    ]);
    const withoutDigest = await asLinkLookup(undefined, [`SELECT tenant_id FROM itinerary_link`]);

    expect(sut).toEqual([['link-tenant-a'], [], [], [], [], '42501']);
    expect(withoutDigest).toEqual([[]]);
  });

  /** Each statement in its own transaction of the lookup job, naming `digest` (or none). */
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
        await client.query(`SELECT set_config('app.job', $1, true)`, [DispatchJobs.ItineraryLink]);
        if (digest) {
          await client.query(`SELECT set_config('${ITINERARY_LINK_DIGEST_SETTING}', $1, true)`, [
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
});
