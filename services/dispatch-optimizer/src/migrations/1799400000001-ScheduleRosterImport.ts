import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A daily roster import per tenant (off unless its settings name a local time), and the day a
 * scheduled import belongs to: unique per tenant, so replicas that find it due together
 * insert one import and publish one request. Both tables already have row-level security.
 */
export class ScheduleRosterImport1799400000001 implements MigrationInterface {
  name = 'ScheduleRosterImport1799400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE dispatch_tenant_settings ADD COLUMN roster_import_time text`,
    );
    await queryRunner.query(`ALTER TABLE dispatch_roster_import ADD COLUMN scheduled_for date`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_dispatch_roster_import_scheduled
         ON dispatch_roster_import (tenant_id, scheduled_for) WHERE scheduled_for IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX uq_dispatch_roster_import_scheduled`);
    await queryRunner.query(`ALTER TABLE dispatch_roster_import DROP COLUMN scheduled_for`);
    await queryRunner.query(`ALTER TABLE dispatch_tenant_settings DROP COLUMN roster_import_time`);
  }
}
