import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { disableTenantIsolation, enableTenantIsolation } from '@caredispatch/kafka';

/**
 * Row-level security on every scheduling table: each is tenant-scoped, and scheduling has no
 * cross-tenant job (its consumer and read API always act for one tenant).
 */
const TABLES = ['patient', 'provider', 'location', 'appointment', 'appointment_ehr_version'];

export class IsolateSchedulingTenants1767300000000 implements MigrationInterface {
  name = 'IsolateSchedulingTenants1767300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const statement of enableTenantIsolation({ table })) await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const statement of disableTenantIsolation({ table })) await queryRunner.query(statement);
    }
  }
}
