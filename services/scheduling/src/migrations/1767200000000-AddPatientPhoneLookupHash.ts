import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Patient names, phone and email are now stored encrypted (same text columns, `phi1.` values;
 * rows written before are encrypted by the PHI key maintenance job). The phone is found by
 * its keyed hash, which new writes fill in.
 */
export class AddPatientPhoneLookupHash1767200000000 implements MigrationInterface {
  name = 'AddPatientPhoneLookupHash1767200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE patient ADD COLUMN phone_lookup_hash text`);
    await queryRunner.query(
      `CREATE INDEX ix_patient_tenant_phone_lookup_hash ON patient (tenant_id, phone_lookup_hash)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_patient_tenant_phone_lookup_hash`);
    await queryRunner.query(`ALTER TABLE patient DROP COLUMN phone_lookup_hash`);
  }
}
