import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Scheduling assigns an appointment's id itself (it keys the first event), as the entity
 * says; the database default from the first migration could only hide a missing id.
 */
export class AppointmentIdWithoutDefault1767000000001 implements MigrationInterface {
  name = 'AppointmentIdWithoutDefault1767000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE appointment ALTER COLUMN id DROP DEFAULT`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE appointment ALTER COLUMN id SET DEFAULT gen_random_uuid()`,
    );
  }
}
