import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  disableTenantIsolation,
  enableTenantIsolation,
  KafkaJobs,
  type TenantIsolation,
} from '@caredispatch/kafka';

/**
 * Row-level security on every scheduling table: each is tenant-scoped. The consumer and read
 * API always act for one tenant; the only cross-tenant jobs work on patients: contact retention
 * scrubs expired contact data, PHI key maintenance re-encrypts the PHI columns.
 */
const TABLES: TenantIsolation[] = [
  {
    table: 'patient',
    jobs: {
      [KafkaJobs.Retention]: ['SELECT', 'UPDATE'],
      [KafkaJobs.PhiKeyMaintenance]: ['SELECT', 'UPDATE'],
    },
  },
  { table: 'provider' },
  { table: 'location' },
  { table: 'appointment' },
  { table: 'appointment_ehr_version' },
];

export class IsolateSchedulingTenants1767300000000 implements MigrationInterface {
  name = 'IsolateSchedulingTenants1767300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const statement of enableTenantIsolation(table)) await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const statement of disableTenantIsolation(table)) await queryRunner.query(statement);
    }
  }
}
