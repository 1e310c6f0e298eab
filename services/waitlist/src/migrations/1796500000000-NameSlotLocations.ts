import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The freed slot's location name (a clinic's display name, not PHI), so an offer can tell the
 * patient where the visit is without messaging having to know the location directory.
 */
export class NameSlotLocations1796500000000 implements MigrationInterface {
  name = 'NameSlotLocations1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE freed_slot ADD COLUMN location_name text NOT NULL DEFAULT ''`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE freed_slot DROP COLUMN location_name`);
  }
}
