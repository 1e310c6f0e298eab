import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  revertTenantIsolation,
  applyTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { WriteBackJobs } from '../write-back/write-back-jobs';

/**
 * Row-level security on the write-back tables. The consumer stages a job for the response's
 * tenant and the webhook's echo lookup reads in the delivery's tenant transaction; the relay
 * claims due jobs across tenants (reading and leasing: its claim locks the rows FOR UPDATE and
 * sets the lease) and then finishes, postpones and records written versions in a transaction
 * scoped to each job's tenant. `ehr_written_version` is written and read per tenant only.
 */
const TABLES: readonly TenantIsolation[] = [
  { table: 'ehr_write_back_job', jobs: { [WriteBackJobs.Relay]: ['SELECT', 'UPDATE'] } },
  { table: 'ehr_written_version' },
];

export class IsolateWriteBackTenants1765100000000 implements MigrationInterface {
  name = 'IsolateWriteBackTenants1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await applyTenantIsolation(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, TABLES);
  }
}
