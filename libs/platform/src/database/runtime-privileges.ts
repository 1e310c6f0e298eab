import { type DataSource } from 'typeorm';

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** What the runtime role may do on each of the service's tables (partitions get nothing). */
export type RuntimePrivileges = (table: string) => readonly TablePrivilege[];

/** TypeORM's bookkeeping: the runtime only reads it, to refuse to start on a stale schema. */
export const MIGRATIONS_TABLE = 'migrations';

/** Reads and writes rows; never DDL, TRUNCATE, REFERENCES or TRIGGER, and owns nothing. */
export const readWritePrivileges: RuntimePrivileges = (table) =>
  table === MIGRATIONS_TABLE ? ['SELECT'] : ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * Brings `role`'s privileges on every table of the public schema to exactly what `privileges`
 * says, idempotently (run after every migration, so a new table is covered the moment it
 * exists). Partitions are revoked outright: the runtime goes through the parent table, whose
 * row-level security a direct partition read would bypass.
 */
export async function grantRuntimePrivileges(
  dataSource: DataSource,
  role: string,
  privileges: RuntimePrivileges,
): Promise<void> {
  await dataSource.transaction(async (manager) => {
    const tables = await manager.query<{ name: string; partition: boolean }[]>(
      `SELECT c.relname AS name, c.relispartition AS partition
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
    );
    const quoted = quoteIdent(role);
    await manager.query(`GRANT USAGE ON SCHEMA public TO ${quoted}`);
    for (const table of tables) {
      await manager.query(`REVOKE ALL ON TABLE ${quoteIdent(table.name)} FROM ${quoted}`);
      const granted = table.partition ? [] : privileges(table.name);
      if (granted.length > 0) {
        await manager.query(
          `GRANT ${granted.join(', ')} ON TABLE ${quoteIdent(table.name)} TO ${quoted}`,
        );
      }
    }
    await manager.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${quoted}`);
    const [checked] = await manager.query<[{ ddl: boolean; owns: boolean; bypass: boolean }]>(
      `SELECT has_schema_privilege(r.oid, 'public', 'CREATE') AS ddl, r.rolbypassrls OR r.rolsuper AS bypass,
              EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid) AS owns
         FROM pg_roles r WHERE r.rolname = $1`,
      [role],
    );
    // Least privilege is the point of the split: refuse to hand the service a role that undoes it.
    if (checked.ddl || checked.owns || checked.bypass) {
      throw new Error(
        `runtime role ${role} must not create in schema public, own tables, or bypass row-level security (PostgreSQL < 15: REVOKE CREATE ON SCHEMA public FROM PUBLIC)`,
      );
    }
  });
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
