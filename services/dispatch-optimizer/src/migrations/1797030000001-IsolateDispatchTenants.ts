import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  applyTenantIsolation,
  revertTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { DispatchJobs } from '../tenancy';

/**
 * Row-level security on every dispatch table (docs/database-isolation.md). HTTP handlers,
 * consumers and loops work in transactions scoped to one tenant; three jobs cross tenants:
 * - plan maintenance finds booking changes not yet planned and the tenants whose scheduled run
 *   is due (reads only; each change is then planned in its tenant's transactions);
 * - the itinerary sender and the coordinator notifier claim due rows of every tenant (a locking
 *   read, then the lease: SELECT and UPDATE); recording a send, a failure or a retry is done in
 *   the row's tenant's transaction, where the outbox append and the exceptions queue live.
 * No job may insert or delete anywhere.
 */
const TABLES: readonly TenantIsolation[] = [
  { table: 'dispatch_provider' },
  { table: 'dispatch_appointment_type_rule' },
  { table: 'dispatch_clinic' },
  { table: 'dispatch_tenant_settings', jobs: { [DispatchJobs.PlanMaintenance]: ['SELECT'] } },
  { table: 'dispatch_appointment', jobs: { [DispatchJobs.PlanMaintenance]: ['SELECT'] } },
  { table: 'geocode_cache' },
  { table: 'travel_time_cache' },
  { table: 'maps_usage' },
  { table: 'dispatch_plan' },
  { table: 'dispatch_exception' },
  { table: 'dispatch_call_out' },
  {
    table: 'itinerary_delivery',
    jobs: { [DispatchJobs.ItineraryDelivery]: ['SELECT', 'UPDATE'] },
  },
  {
    table: 'coordinator_notice',
    jobs: { [DispatchJobs.CoordinatorNotices]: ['SELECT', 'UPDATE'] },
  },
];

export class IsolateDispatchTenants1797030000001 implements MigrationInterface {
  name = 'IsolateDispatchTenants1797030000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await applyTenantIsolation(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, TABLES);
  }
}
