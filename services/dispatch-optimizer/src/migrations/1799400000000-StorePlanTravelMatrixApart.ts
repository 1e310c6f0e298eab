import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A plan version's travel matrix in a bytea column of float64s instead of jsonb numerics inside
 * its inputs snapshot: a 500-visit day stored ~10 MB of jsonb that PostgreSQL parsed on every
 * version. Stored uncompressed (EXTERNAL): float64 travel times barely compress and pglz cost
 * more than it saved. Older rows keep their matrix in `inputs` (travel_matrix null).
 */
export class StorePlanTravelMatrixApart1799400000000 implements MigrationInterface {
  name = 'StorePlanTravelMatrixApart1799400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE dispatch_plan ADD COLUMN travel_matrix bytea`);
    await queryRunner.query(
      `ALTER TABLE dispatch_plan ALTER COLUMN travel_matrix SET STORAGE EXTERNAL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE dispatch_plan DROP COLUMN travel_matrix`);
  }
}
