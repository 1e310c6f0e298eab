import { randomUUID } from 'node:crypto';

import { KafkaJobs } from '@caredispatch/kafka';
import { migrateDatabase, readWritePrivileges, serviceSchemaOf } from '@caredispatch/platform';
import {
  observeTenantIsolation,
  runAsJob,
  tenantTablesWithoutForcedRls,
  ThrowawayDatabase,
} from '@caredispatch/testing';

import { ehrGatewayDatabase } from '../entities';
import { RosterImportJobs } from '../roster/roster-import-jobs';
import { WriteBackJobs } from '../write-back/write-back-jobs';

describe('ehr-gateway row-level security', () => {
  let database: ThrowawayDatabase;

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('ehr_gateway_rls');
    await migrateDatabase({
      ...serviceSchemaOf(ehrGatewayDatabase),
      url: database.ownerUrl,
      applicationName: 'ehr-gateway-rls-test',
      runtimeRole: database.roles?.runtime,
      privileges: readWritePrivileges,
    });
  });

  afterAll(async () => {
    await database.drop();
  });

  it('should put every table with a tenant_id under forced row-level security, the outbox included and the wrapped PHI data keys excepted', async () => {
    // The one reviewed exemption (docs/database-isolation.md): phi_data_key holds only data
    // keys wrapped by the KEK, read outside tenant transactions and re-wrapped across tenants.
    expect(await tenantTablesWithoutForcedRls(database.url)).toEqual(['phi_data_key']);
  });

  it('should show the runtime role only the set tenant’s webhook ids, even to an unfiltered query', async () => {
    const sut = await observeTenantIsolation(
      database.runtimeUrl,
      {
        table: 'ehr_webhook_delivery',
        insert: (tenantId) => ({
          sql: `INSERT INTO ehr_webhook_delivery
                  (tenant_id, webhook_id, ehr_appointment_id, outcome, correlation_id,
                   webhook_timestamp, expires_at)
                VALUES ($1, $2, 'appt-1', 'accepted', $3, now(), now() + interval '1 day')`,
          params: [tenantId, `msg_${randomUUID()}`, randomUUID()],
        }),
      },
      { a: 'tenant-a', b: 'tenant-b' },
    );

    expect(sut).toEqual({
      tenantsSeenAsA: ['tenant-a'],
      rowsSeenWithoutTenant: 0,
      foreignInsertError: '42501',
      unscopedInsertError: '42501',
    });
  });

  it('should let the outbox relay read every tenant’s outbox rows but append none, and give other jobs nothing', async () => {
    const sut = await observeTenantIsolation(
      database.runtimeUrl,
      {
        table: 'outbox_message',
        insert: (tenantId) => ({
          sql: `INSERT INTO outbox_message
                  (id, tenant_id, topic, message_key, event_id, event_type, payload, headers)
                VALUES ($1, $2, 'ehr.appointment.v1', 'k', $3, 'T', '\\x00', '{}')`,
          params: [randomUUID(), tenantId, randomUUID()],
        }),
      },
      { a: 'tenant-a', b: 'tenant-b' },
    );
    const unpublished = 'SELECT DISTINCT tenant_id FROM outbox_message ORDER BY 1';
    const append = `INSERT INTO outbox_message
        (id, tenant_id, topic, message_key, event_id, event_type, payload, headers)
      VALUES (gen_random_uuid(), 'tenant-a', 't', 'k', gen_random_uuid(), 'T', '\\x00', '{}')`;

    expect(sut.tenantsSeenAsA).toEqual(['tenant-a']);
    expect(sut.rowsSeenWithoutTenant).toBe(0);
    expect(
      await runAsJob(database.runtimeUrl, KafkaJobs.OutboxRelay, [unpublished, append]),
    ).toEqual([['tenant-a', 'tenant-b'], '42501']);
    expect(await runAsJob(database.runtimeUrl, 'message-sender', [unpublished])).toEqual([[]]);
  });

  /** A pending write-back job of `tenantId`, as the consumer stages it. */
  function stagedJob(tenantId: string): { sql: string; params: unknown[] } {
    return {
      sql: `INSERT INTO ehr_write_back_job
              (id, tenant_id, response_id, response_event_id, correlation_id, appointment_id,
               ehr_appointment_id, action, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'appt-1', 'confirm', now() - interval '1 minute')`,
      params: [randomUUID(), tenantId, randomUUID(), randomUUID(), randomUUID(), randomUUID()],
    };
  }

  it('should show the runtime role only the set tenant’s write-back jobs, even to an unfiltered query', async () => {
    const sut = await observeTenantIsolation(
      database.runtimeUrl,
      { table: 'ehr_write_back_job', insert: stagedJob },
      { a: 'wb-tenant-a', b: 'wb-tenant-b' },
    );

    expect(sut).toEqual({
      tenantsSeenAsA: ['wb-tenant-a'],
      rowsSeenWithoutTenant: 0,
      foreignInsertError: '42501',
      unscopedInsertError: '42501',
    });
  });

  it('should show the runtime role only the set tenant’s written EHR versions, even to an unfiltered query', async () => {
    const sut = await observeTenantIsolation(
      database.runtimeUrl,
      {
        table: 'ehr_written_version',
        insert: (tenantId) => ({
          sql: `INSERT INTO ehr_written_version
                  (tenant_id, ehr_appointment_id, ehr_version, write_back_id)
                VALUES ($1, 'appt-1', $2, $3)`,
          params: [tenantId, randomUUID(), randomUUID()],
        }),
      },
      { a: 'wb-tenant-a', b: 'wb-tenant-b' },
    );

    expect(sut).toEqual({
      tenantsSeenAsA: ['wb-tenant-a'],
      rowsSeenWithoutTenant: 0,
      foreignInsertError: '42501',
      unscopedInsertError: '42501',
    });
  });

  it('should let the write-back relay claim every tenant’s due jobs (read, lock, lease) but stage, finish into versions or delete none, and give other jobs no write-back job', async () => {
    // Seeded as the superuser (no policy applies): one due job and one written version each.
    for (const tenant of ['claim-tenant-a', 'claim-tenant-b']) {
      const { sql, params } = stagedJob(tenant);
      await database.query(sql, params);
      await database.query(
        `INSERT INTO ehr_written_version (tenant_id, ehr_appointment_id, ehr_version, write_back_id)
         VALUES ($1, 'appt-1', 'v1', $2)`,
        [tenant, randomUUID()],
      );
    }
    const claimTenants = `tenant_id IN ('claim-tenant-a', 'claim-tenant-b')`;
    // The relay's claim, as WriteBackRepository.claimDue runs it.
    const claim = `UPDATE ehr_write_back_job j SET lease_until = now() + interval '2 minutes'
      WHERE j.id IN (SELECT d.id FROM ehr_write_back_job d
                     WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND ${claimTenants}
                     FOR UPDATE SKIP LOCKED)
      RETURNING j.tenant_id`;
    const locked = `SELECT tenant_id FROM ehr_write_back_job WHERE ${claimTenants} FOR UPDATE`;
    const stage = `INSERT INTO ehr_write_back_job
        (id, tenant_id, response_id, response_event_id, correlation_id, appointment_id,
         ehr_appointment_id, action, next_attempt_at)
      VALUES (gen_random_uuid(), 'claim-tenant-a', gen_random_uuid(), gen_random_uuid(),
              gen_random_uuid(), gen_random_uuid(), 'appt-2', 'confirm', now())`;
    const remove = `DELETE FROM ehr_write_back_job WHERE ${claimTenants} RETURNING tenant_id`;
    const versions = `SELECT DISTINCT tenant_id FROM ehr_written_version WHERE ${claimTenants}`;
    const record = `INSERT INTO ehr_written_version (tenant_id, ehr_appointment_id, ehr_version, write_back_id)
      VALUES ('claim-tenant-a', 'appt-1', 'v2', gen_random_uuid())`;
    const distinct = (statement: string) =>
      `SELECT DISTINCT tenant_id FROM (${statement}) AS found ORDER BY 1`;
    const pending = `SELECT tenant_id FROM ehr_write_back_job WHERE ${claimTenants}`;

    const sut = await runAsJob(database.runtimeUrl, WriteBackJobs.Relay, [
      `WITH claimed AS (${claim}) SELECT DISTINCT tenant_id FROM claimed ORDER BY 1`,
      distinct(locked),
      stage,
      `WITH removed AS (${remove}) SELECT DISTINCT tenant_id FROM removed ORDER BY 1`,
      versions,
      record,
    ]);

    expect(sut).toEqual([
      ['claim-tenant-a', 'claim-tenant-b'],
      ['claim-tenant-a', 'claim-tenant-b'],
      '42501',
      [],
      [],
      '42501',
    ]);
    expect(await runAsJob(database.runtimeUrl, KafkaJobs.Retention, [distinct(pending)])).toEqual([
      [],
    ]);
    expect(await runAsJob(database.runtimeUrl, KafkaJobs.OutboxRelay, [distinct(pending)])).toEqual(
      [[]],
    );
  });

  /** A pending roster import of `tenantId`, as the consumer stages it. */
  function stagedImport(tenantId: string): { sql: string; params: unknown[] } {
    return {
      sql: `INSERT INTO ehr_roster_import_job
              (tenant_id, import_id, request_event_id, correlation_id, next_attempt_at)
            VALUES ($1, $2, $3, $4, now() - interval '1 minute')`,
      params: [tenantId, randomUUID(), randomUUID(), randomUUID()],
    };
  }

  it('should show the runtime role only the set tenant’s roster imports, even to an unfiltered query', async () => {
    const sut = await observeTenantIsolation(
      database.runtimeUrl,
      { table: 'ehr_roster_import_job', insert: stagedImport },
      { a: 'roster-tenant-a', b: 'roster-tenant-b' },
    );

    expect(sut).toEqual({
      tenantsSeenAsA: ['roster-tenant-a'],
      rowsSeenWithoutTenant: 0,
      foreignInsertError: '42501',
      unscopedInsertError: '42501',
    });
  });

  it('should let the roster relay claim every tenant’s due imports but stage or delete none, and give the write-back relay none', async () => {
    for (const tenant of ['roster-claim-a', 'roster-claim-b']) {
      const { sql, params } = stagedImport(tenant);
      await database.query(sql, params);
    }
    const claimTenants = `tenant_id IN ('roster-claim-a', 'roster-claim-b')`;
    // The relay's claim, as RosterImportRepository.claimDue runs it.
    const claim = `UPDATE ehr_roster_import_job j SET lease_until = now() + interval '5 minutes'
      WHERE (j.tenant_id, j.import_id) IN (
        SELECT d.tenant_id, d.import_id FROM ehr_roster_import_job d
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND ${claimTenants}
        FOR UPDATE SKIP LOCKED)
      RETURNING j.tenant_id`;
    const stage = `INSERT INTO ehr_roster_import_job
        (tenant_id, import_id, request_event_id, correlation_id, next_attempt_at)
      VALUES ('roster-claim-a', gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), now())`;
    const remove = `DELETE FROM ehr_roster_import_job WHERE ${claimTenants} RETURNING tenant_id`;
    const pending = `SELECT DISTINCT tenant_id FROM ehr_roster_import_job WHERE ${claimTenants} ORDER BY 1`;

    const sut = await runAsJob(database.runtimeUrl, RosterImportJobs.Relay, [
      `WITH claimed AS (${claim}) SELECT DISTINCT tenant_id FROM claimed ORDER BY 1`,
      stage,
      `WITH removed AS (${remove}) SELECT DISTINCT tenant_id FROM removed ORDER BY 1`,
    ]);

    expect(sut).toEqual([['roster-claim-a', 'roster-claim-b'], '42501', []]);
    expect(await runAsJob(database.runtimeUrl, WriteBackJobs.Relay, [pending])).toEqual([[]]);
  });
});
