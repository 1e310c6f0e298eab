import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The patient page offers free slots of the same appointment type with the same provider or at
 * the same location (issue 10): `link_appointment` keeps the EHR's ids of the visit's
 * practitioner and location, which the EHR's Schedules name as actors. '' = unknown (rows
 * written before, or events from before scheduling carried the id): the type alone selects,
 * as before. The table is already under row-level security (1796100000001).
 */
export class MatchSlotsByProviderOrLocation1798200000000 implements MigrationInterface {
  name = 'MatchSlotsByProviderOrLocation1798200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "link_appointment" ADD "ehr_practitioner_id" text NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(
      `ALTER TABLE "link_appointment" ADD "ehr_location_id" text NOT NULL DEFAULT ''`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "link_appointment" DROP COLUMN "ehr_location_id"`);
    await queryRunner.query(`ALTER TABLE "link_appointment" DROP COLUMN "ehr_practitioner_id"`);
  }
}
