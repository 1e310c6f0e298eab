import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  revertTenantIsolation,
  applyTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { WaitlistJobs } from '../slots/waitlist-jobs';

/**
 * Row-level security on the waitlist's tables. Staff requests and the appointment consumer run
 * in their tenant's transaction; the hold-expiry loop finds due offers across tenants (slot and
 * tenant ids only) and then moves each slot in a transaction scoped to that slot's tenant.
 */
const TABLES: readonly TenantIsolation[] = [
  { table: 'waitlist_entry' },
  { table: 'freed_slot' },
  { table: 'waitlist_offer', jobs: { [WaitlistJobs.HoldExpiry]: ['SELECT'] } },
];

export class IsolateWaitlistTenants1796400000000 implements MigrationInterface {
  name = 'IsolateWaitlistTenants1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await applyTenantIsolation(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, TABLES);
  }
}
