import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  revertTenantIsolation,
  applyTenantIsolation,
  KafkaJobs,
  type TenantIsolation,
} from '@caredispatch/kafka';

/**
 * Row-level security on ehr-gateway's tables. A webhook request works for the tenant of its
 * path (whose signature it verified); the pruner deletes expired webhook ids of every tenant
 * as the retention job.
 */
const TABLES: readonly TenantIsolation[] = [
  { table: 'ehr_webhook_delivery', jobs: { [KafkaJobs.Retention]: ['SELECT', 'DELETE'] } },
  { table: 'ehr_appointment_state' },
];

export class IsolateEhrGatewayTenants1765000000000 implements MigrationInterface {
  name = 'IsolateEhrGatewayTenants1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await applyTenantIsolation(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, TABLES);
  }
}
