import { Client } from 'pg';

/** How to insert one row of `table` for a tenant, as the service would. */
export interface TenantRowProbe {
  readonly table: string;
  readonly insert: (tenantId: string) => { sql: string; params: unknown[] };
}

/** What the runtime role saw with queries that deliberately forget the tenant filter. */
export interface TenantIsolationObservation {
  /** Distinct tenant ids an unfiltered SELECT returned with tenant A set. */
  readonly tenantsSeenAsA: string[];
  /** Rows an unfiltered count returned with no tenant set (after A's transaction, same session). */
  readonly rowsSeenWithoutTenant: number;
  /** SQLSTATE of inserting B's row with A set (undefined = accepted). */
  readonly foreignInsertError: string | undefined;
  /** SQLSTATE of inserting a row with no tenant set (undefined = accepted). */
  readonly unscopedInsertError: string | undefined;
}

/**
 * Connects as `runtimeUrl` (a role without BYPASSRLS) and runs the row-level security checks
 * of issue 8 against `probe.table`: A's and B's rows are written by their own transactions,
 * then read and written by queries with no tenant filter at all.
 */
export async function observeTenantIsolation(
  runtimeUrl: string,
  probe: TenantRowProbe,
  tenants: { a: string; b: string },
): Promise<TenantIsolationObservation> {
  const client = new Client({ connectionString: runtimeUrl });
  await client.connect();
  const asTenant = async <T>(tenant: string | undefined, work: () => Promise<T>): Promise<T> => {
    await client.query('BEGIN');
    try {
      if (tenant !== undefined) {
        await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
      }
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  };
  const insert = (tenant: string) => {
    const { sql, params } = probe.insert(tenant);
    return client.query(sql, params);
  };
  const sqlState = (error: unknown): string => {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : String(error);
  };
  try {
    await asTenant(tenants.a, () => insert(tenants.a));
    await asTenant(tenants.b, () => insert(tenants.b));
    const seen = await asTenant(tenants.a, () =>
      client.query<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM "${probe.table}"`),
    );
    const unscoped = await asTenant(undefined, () =>
      client.query<{ count: number }>(`SELECT count(*)::int AS count FROM "${probe.table}"`),
    );
    const foreignInsertError = await asTenant(tenants.a, () => insert(tenants.b)).then(
      () => undefined,
      sqlState,
    );
    const unscopedInsertError = await asTenant(undefined, () => insert(tenants.a)).then(
      () => undefined,
      sqlState,
    );
    return {
      tenantsSeenAsA: seen.rows.map((row) => row.tenant_id).sort(),
      rowsSeenWithoutTenant: unscoped.rows[0].count,
      foreignInsertError,
      unscopedInsertError,
    };
  } finally {
    await client.end();
  }
}

/**
 * Tables of the public schema with a `tenant_id` column that are not under forced row-level
 * security (partitions excluded: they are reached through their parent).
 */
export async function tenantTablesWithoutForcedRls(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ name: string }>(
      `SELECT c.relname AS name
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
        ORDER BY 1`,
    );
    return result.rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

/**
 * Runs each statement in its own (rolled back) transaction of the cross-tenant job `job`, as
 * `url`'s role: the tenant ids each returned, or its SQLSTATE when it was refused.
 */
export async function runAsJob(
  url: string,
  job: string,
  statements: readonly string[],
): Promise<(string[] | string)[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const results: (string[] | string)[] = [];
    for (const statement of statements) {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.job', $1, true)`, [job]);
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
