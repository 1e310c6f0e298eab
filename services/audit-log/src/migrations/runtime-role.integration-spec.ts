import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { migrateDatabase, serviceSchemaOf } from '@caredispatch/platform';
import {
  observeTenantIsolation,
  tenantTablesWithoutForcedRls,
  ThrowawayDatabase,
} from '@caredispatch/testing';

import { auditLogPrivileges } from '../audit-events/audit-log-privileges';
import { auditLogDatabase } from '../entities';

const AUDIT_TABLES = ['audit_event', 'audit_event_leaf', 'audit_tree_head', 'audit_chain_head'];
/** Messaging bookkeeping, not audit data (see auditLogPrivileges). */
const INFRASTRUCTURE_TABLES = ['inbox_event', 'outbox_message', 'migrations'];

/** Issue 8, acceptance 4: what the audit-log process may do to its own tables. */
describe('audit-log runtime role', () => {
  let database: ThrowawayDatabase;

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('audit_log_role');
    await migrateDatabase({
      ...serviceSchemaOf(auditLogDatabase),
      url: database.ownerUrl,
      applicationName: 'audit-log-role-test',
      runtimeRole: database.roles?.runtime,
      privileges: auditLogPrivileges,
    });
  });

  afterAll(async () => {
    await database.drop();
  });

  /** SQLSTATE of `sql` run as the runtime role with tenant-a set ('ok' when it succeeded). */
  async function asRuntime(sql: string): Promise<string> {
    const client = new Client({ connectionString: database.runtimeUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', 'tenant-a', true)`);
      const outcome = await client.query(sql).then(
        () => 'ok',
        (error: unknown) => String((error as { code?: unknown }).code),
      );
      await client.query('ROLLBACK');
      return outcome;
    } finally {
      await client.end();
    }
  }

  /** Every table of audit-log's except the messaging infrastructure (partitions included). */
  async function auditTables(): Promise<string[]> {
    const rows = await database.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        WHERE c.relkind IN ('r', 'p') AND c.relname <> ALL ($1::text[])
        ORDER BY 1`,
      [INFRASTRUCTURE_TABLES],
    );
    return rows.map((row) => row.name);
  }

  it('should refuse UPDATE, DELETE, TRUNCATE, ALTER and DROP on every audit table with permission errors', async () => {
    const tables = await auditTables();
    const attempts: Record<string, Record<string, string>> = {};
    for (const table of tables) {
      // Any column will do (audit_retention_policy has no tenant_id): the privilege is what fails.
      const [{ column }] = await database.query<{ column: string }>(
        `SELECT attname AS column FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum LIMIT 1`,
        [table],
      );
      attempts[table] = {
        update: await asRuntime(`UPDATE "${table}" SET "${column}" = "${column}"`),
        delete: await asRuntime(`DELETE FROM "${table}"`),
        truncate: await asRuntime(`TRUNCATE "${table}"`),
        alter: await asRuntime(`ALTER TABLE "${table}" DISABLE TRIGGER ALL`),
        drop: await asRuntime(`DROP TABLE "${table}" CASCADE`),
      };
    }

    const refused = {
      update: '42501',
      delete: '42501',
      truncate: '42501',
      alter: '42501',
      drop: '42501',
    };
    expect(tables).toEqual(expect.arrayContaining(AUDIT_TABLES));
    expect(attempts).toEqual(Object.fromEntries(tables.map((table) => [table, refused])));
  });

  it('should own nothing and bypass nothing', async () => {
    const [role] = await database.query<{ superuser: boolean; bypass: boolean; owned: number }>(
      `SELECT r.rolsuper AS superuser, r.rolbypassrls AS bypass,
              (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned
         FROM pg_roles r WHERE r.rolname = $1`,
      [database.roles?.runtime],
    );

    expect(role).toEqual({ superuser: false, bypass: false, owned: 0 });
  });

  it('should append and read its own tenant’s events under forced row-level security', async () => {
    const sut = await observeTenantIsolation(
      database.runtimeUrl,
      {
        table: 'audit_event',
        insert: (tenantId) => ({
          sql: `INSERT INTO audit_event
                  (id, tenant_id, sequence, event_id, event_type, event_version, topic, "partition",
                   "offset", producer, occurred_at, recorded_at, correlation_id, aggregate_id,
                   payload, prev_hash, hash)
                VALUES ($1, $2, 1, $3, 'T', 1, 't', 0, 0, 'p', now(), now(), 'c', 'a', '{}', 'x', 'y')`,
          params: [randomUUID(), tenantId, randomUUID()],
        }),
      },
      { a: 'tenant-a', b: 'tenant-b' },
    );

    expect(await tenantTablesWithoutForcedRls(database.url)).toEqual([]);
    expect(sut).toEqual({
      tenantsSeenAsA: ['tenant-a'],
      rowsSeenWithoutTenant: 0,
      foreignInsertError: '42501',
      unscopedInsertError: '42501',
    });
  });
});
