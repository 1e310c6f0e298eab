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
});
