import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** A tenant's reminder settings as the admin API stored them; REMINDER_SETTINGS and the playbook remain fallbacks. */
export class StoreReminderSettings1795900000005 implements MigrationInterface {
  name = 'StoreReminderSettings1795900000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reminder_settings (
        tenant_id text NOT NULL CONSTRAINT pk_reminder_settings PRIMARY KEY,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reminder_settings`);
  }
}
