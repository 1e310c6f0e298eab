import { JOB_SETTING, TENANT_SETTING } from './transaction-scope';

interface StatementRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * What a cross-tenant job may do on a table. `LOCK` is `SELECT … FOR UPDATE / FOR SHARE` of rows
 * the job reads but never changes: PostgreSQL checks a locked row against the table's UPDATE
 * policies too, so a job with SELECT alone silently locks (and so returns) no row at all.
 */
type Command = 'SELECT' | 'LOCK' | 'INSERT' | 'UPDATE' | 'DELETE';

export interface TenantIsolation {
  readonly table: string;
  /** Column holding the tenant id ("tenant_id"). */
  readonly tenantColumn?: string;
  /**
   * Cross-tenant jobs (`app.job`) and the commands each may run on this table. PostgreSQL
   * also applies SELECT policies to the rows an UPDATE or DELETE reads, so a job that
   * updates, deletes or locks needs SELECT as well.
   */
  readonly jobs?: Readonly<Record<string, readonly Command[]>>;
}

const currentTenant = `NULLIF(current_setting('${TENANT_SETTING}', true), '')`;
const currentJob = `NULLIF(current_setting('${JOB_SETTING}', true), '')`;

/**
 * Statements that put `table` under row-level security: a transaction sees and writes only the
 * rows of the tenant in `app.tenant_id`, the named jobs get their commands across tenants,
 * and nothing else gets anything — no setting, no rows. FORCE makes the table's owner (the
 * migration role) subject too; only superusers and BYPASSRLS roles are not, and no service
 * role has either.
 */
export function enableTenantIsolation(spec: TenantIsolation): string[] {
  const column = `"${spec.tenantColumn ?? 'tenant_id'}"`;
  const table = `"${spec.table}"`;
  const statements = [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON ${table}
       USING (${column} = ${currentTenant}) WITH CHECK (${column} = ${currentTenant})`,
  ];
  for (const command of ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const) {
    const jobs = jobsWith(spec, command);
    if (jobs.length === 0) continue;
    const allowed = jobIn(jobs);
    const using = command === 'INSERT' ? '' : ` USING (${allowed})`;
    const check = command === 'INSERT' || command === 'UPDATE' ? ` WITH CHECK (${allowed})` : '';
    statements.push(
      `CREATE POLICY cross_tenant_jobs_${command.toLowerCase()} ON ${table} FOR ${command}${using}${check}`,
    );
  }
  const lockers = jobsWith(spec, 'LOCK');
  if (lockers.length > 0) {
    // An UPDATE policy whose check admits no new row: its USING lets the job lock rows (row
    // locks consult UPDATE policies), and a real UPDATE by the job fails the check (42501).
    statements.push(
      `CREATE POLICY cross_tenant_jobs_lock ON ${table} FOR UPDATE USING (${jobIn(lockers)}) WITH CHECK (false)`,
    );
  }
  return statements;
}

function jobsWith(spec: TenantIsolation, command: Command): string[] {
  return Object.entries(spec.jobs ?? {})
    .filter(([, commands]) => commands.includes(command))
    .map(([job]) => job)
    .sort();
}

function jobIn(jobs: readonly string[]): string {
  return `${currentJob} IN (${jobs.map((job) => `'${job.replace(/'/g, "''")}'`).join(', ')})`;
}

/** Reverses enableTenantIsolation (for a migration's `down`). */
export function disableTenantIsolation(spec: TenantIsolation): string[] {
  const table = `"${spec.table}"`;
  return [
    ...['select', 'insert', 'update', 'delete', 'lock'].map(
      (command) => `DROP POLICY IF EXISTS cross_tenant_jobs_${command} ON ${table}`,
    ),
    `DROP POLICY IF EXISTS tenant_isolation ON ${table}`,
    `ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`,
  ];
}

/** A migration's `up`: every table of `specs` under row-level security, in order. */
export async function applyTenantIsolation(
  runner: StatementRunner,
  specs: readonly TenantIsolation[],
): Promise<void> {
  for (const spec of specs) {
    for (const statement of enableTenantIsolation(spec)) await runner.query(statement);
  }
}

/** The matching `down`. */
export async function revertTenantIsolation(
  runner: StatementRunner,
  specs: readonly TenantIsolation[],
): Promise<void> {
  for (const spec of specs) {
    for (const statement of disableTenantIsolation(spec)) await runner.query(statement);
  }
}
