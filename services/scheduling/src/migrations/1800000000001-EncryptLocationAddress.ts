import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  disableTenantIsolation,
  enableTenantIsolation,
  KafkaJobs,
  type TenantIsolation,
} from '@caredispatch/kafka';

const BEFORE: TenantIsolation = { table: 'location' };
const AFTER: TenantIsolation = {
  table: 'location',
  jobs: { [KafkaJobs.PhiKeyMaintenance]: ['SELECT', 'UPDATE'] },
};

/**
 * A location's address is PHI when the location is a patient's home (issue 8): the column
 * becomes text holding the address JSON, encrypted (directory/location-phi.ts). SQL cannot
 * encrypt, so existing rows keep their JSON text until the PHI key maintenance job encrypts
 * them in place on its first round; its policies are added here. `down` restores the jsonb
 * column; it cannot decrypt, so it only succeeds before the job has run.
 */
export class EncryptLocationAddress1800000000001 implements MigrationInterface {
  name = 'EncryptLocationAddress1800000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of disableTenantIsolation(BEFORE)) await queryRunner.query(statement);
    await queryRunner.query(
      `ALTER TABLE location ALTER COLUMN address TYPE text USING address::text`,
    );
    for (const statement of enableTenantIsolation(AFTER)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of disableTenantIsolation(AFTER)) await queryRunner.query(statement);
    await queryRunner.query(
      `ALTER TABLE location ALTER COLUMN address TYPE jsonb USING address::jsonb`,
    );
    for (const statement of enableTenantIsolation(BEFORE)) await queryRunner.query(statement);
  }
}
