import { migrateDatabase, readWritePrivileges, serviceSchemaOf } from '@caredispatch/platform';
import {
  observeTenantIsolation,
  tenantTablesWithoutForcedRls,
  ThrowawayDatabase,
} from '@caredispatch/testing';

import { schedulingDatabase } from '../entities';

describe('scheduling row-level security', () => {
  let database: ThrowawayDatabase;

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('scheduling_rls');
    await migrateDatabase({
      ...serviceSchemaOf(schedulingDatabase),
      url: database.ownerUrl,
      applicationName: 'scheduling-rls-test',
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

  it('should show the runtime role only the set tenant’s rows, even to an unfiltered query', async () => {
    const sut = await observeTenantIsolation(
      database.runtimeUrl,
      {
        table: 'provider',
        insert: (tenantId) => ({
          sql: `INSERT INTO provider (tenant_id, ehr_practitioner_id, display_name, credentials, created_at, updated_at)
                VALUES ($1, 'prac-1', 'Dr. Test', 'MD', now(), now())`,
          params: [tenantId],
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
});
