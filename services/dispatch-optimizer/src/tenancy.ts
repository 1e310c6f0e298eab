import { type DataSource, type EntityManager } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';

/**
 * dispatch-optimizer's cross-tenant jobs (`app.job`), named in its tables' policies
 * (migrations/1797030000001-IsolateDispatchTenants.ts). Everything else runs scoped to a tenant.
 */
export const DispatchJobs = {
  /** Finds booking changes not yet in a plan, and the tenants whose weekly/nightly run is due. */
  PlanMaintenance: 'dispatch-plan-maintenance',
  /** Claims due itinerary deliveries (and lapsed claims) of every tenant. */
  ItineraryDelivery: 'dispatch-itinerary-delivery',
  /** Claims due coordinator notices of every tenant. */
  CoordinatorNotices: 'dispatch-coordinator-notices',
  /**
   * Finds the tenant of an itinerary link token (the URL names none): may read only the one
   * `itinerary_link` row whose digest the transaction sets in `ITINERARY_LINK_DIGEST_SETTING`.
   */
  ItineraryLink: 'dispatch-itinerary-link',
} as const;

/** The digest (hex) the `dispatch-itinerary-link` job's transaction looks up. */
export const ITINERARY_LINK_DIGEST_SETTING = 'app.itinerary_link_digest';

/**
 * `work` in the caller's transaction when it passes one (already scoped to the tenant), else
 * in a transaction of its own scoped to `tenantId`: under row-level security a statement
 * outside such a transaction sees no row and may write none.
 */
export function asTenant<T>(
  dataSource: DataSource,
  tenantId: string,
  work: (manager: EntityManager) => Promise<T>,
  manager?: EntityManager,
): Promise<T> {
  return manager ? work(manager) : inTenantTransaction(dataSource, tenantId, work);
}

/** One statement scoped to `tenantId` (rows as `DataSource.query` answers them). */
export function tenantQuery<T = unknown>(
  dataSource: DataSource,
  tenantId: string,
  sql: string,
  params: unknown[] = [],
): Promise<T> {
  return inTenantTransaction(dataSource, tenantId, (manager) => manager.query<T>(sql, params));
}
