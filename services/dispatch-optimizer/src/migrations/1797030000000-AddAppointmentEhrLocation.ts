import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The EHR's location id of each appointment: coordinators configure clinics by the EHR's ids,
 * while scheduling's own location uuids are unknown to them. Empty for rows stored before
 * scheduling carried it (they still match by scheduling's id).
 *
 * Numbered after the dispatch schema it alters: TypeORM runs migrations in timestamp order, so
 * an earlier number would run before the table exists on a fresh database.
 */
export class AddAppointmentEhrLocation1797030000000 implements MigrationInterface {
  name = 'AddAppointmentEhrLocation1797030000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE dispatch_appointment ADD COLUMN ehr_location_id text NOT NULL DEFAULT ''`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE dispatch_appointment DROP COLUMN ehr_location_id`);
  }
}
