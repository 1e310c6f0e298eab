import type { DataSource, EntityManager } from 'typeorm';

/**
 * Row-level security reads who a transaction works for from two settings, set with
 * `set_config(name, value, true)` (= `SET LOCAL`) so they end with the transaction and a pooled
 * connection never carries them into the next one:
 * - `app.tenant_id`: the tenant whose rows the transaction may see and write;
 * - `app.job`: a named background job that works across tenants on the few tables whose
 *   policies name it (the outbox relay, retention, messaging's sender). A job is no tenant:
 *   tables that do not name the job stay closed to it.
 * With neither set, the policies return no rows and refuse every write (fail closed).
 */
export const TENANT_SETTING = 'app.tenant_id';
export const JOB_SETTING = 'app.job';

/** Background jobs of libs/kafka that cross tenants; services add their own names. */
export const KafkaJobs = {
  /** Reads unpublished outbox rows and marks them published or failed. */
  OutboxRelay: 'outbox-relay',
  /** Deletes expired rows (published outbox rows, old inbox ids, service-specific data). */
  Retention: 'retention',
  /**
   * PHI key maintenance (services that store PHI): re-encrypts PHI columns, the outbox
   * payloads included, under the newest data keys; reads and updates, never inserts or deletes.
   */
  PhiKeyMaintenance: 'phi-key-maintenance',
} as const;

interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Scopes the current transaction to `tenantId`; outside a transaction it would not stick. */
export async function scopeTransactionToTenant(
  manager: Queryable,
  tenantId: string,
): Promise<void> {
  if (tenantId === '') throw new Error('refusing to scope a transaction to an empty tenant id');
  await manager.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [tenantId]);
}

/** Scopes the current transaction to the cross-tenant job `job` (see the tables' policies). */
export async function scopeTransactionToJob(manager: Queryable, job: string): Promise<void> {
  await manager.query(`SELECT set_config('${JOB_SETTING}', $1, true)`, [job]);
}

type Isolation = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** Runs `work` in a transaction that sees and writes `tenantId`'s rows only. */
export function inTenantTransaction<T>(
  dataSource: DataSource,
  tenantId: string,
  work: (manager: EntityManager) => Promise<T>,
  isolation: Isolation = 'READ COMMITTED',
): Promise<T> {
  return dataSource.transaction(isolation, async (manager) => {
    await scopeTransactionToTenant(manager, tenantId);
    return work(manager);
  });
}

/** Runs `work` in a transaction of the cross-tenant job `job`. */
export function inJobTransaction<T>(
  dataSource: DataSource,
  job: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await scopeTransactionToJob(manager, job);
    return work(manager);
  });
}
