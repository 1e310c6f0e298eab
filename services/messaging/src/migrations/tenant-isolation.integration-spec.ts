import { randomUUID } from 'node:crypto';

import { migrateDatabase, readWritePrivileges, serviceSchemaOf } from '@caredispatch/platform';
import {
  observeTenantIsolation,
  runAsJob,
  tenantTablesWithoutForcedRls,
  ThrowawayDatabase,
} from '@caredispatch/testing';

import { messagingDatabase } from '../entities';
import { MessagingJobs } from '../message/messaging-jobs';

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
});
