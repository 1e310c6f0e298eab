import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Reminders are planned sends in the same table the sender already claims from: a queued row
 * whose next_attempt_at is its due instant. An appointment revision now has several messages
 * (one per cadence step), so the step joins the idempotency key; '' is the confirmation.
 */
export class ScheduleReminders1795900000003 implements MigrationInterface {
  name = 'ScheduleReminders1795900000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE message ADD COLUMN step_key text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_purpose`);
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_purpose CHECK (purpose IN ('confirmation', 'reminder'))`,
    );
    await queryRunner.query(`DROP INDEX ux_message_idempotency`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_message_idempotency
         ON message (tenant_id, appointment_id, revision, purpose, step_key)`,
    );
    // Caps count a patient's reminder texts across appointments (by number until the phi blind index lands).
    await queryRunner.query(
      `CREATE INDEX ix_message_reminder_recipient ON message (tenant_id, to_e164, next_attempt_at)
         WHERE purpose = 'reminder'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_message_reminder_recipient`);
    await queryRunner.query(`DELETE FROM message WHERE purpose = 'reminder'`);
    await queryRunner.query(`DROP INDEX ux_message_idempotency`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_message_idempotency ON message (tenant_id, appointment_id, revision, purpose)`,
    );
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_purpose`);
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_purpose CHECK (purpose IN ('confirmation'))`,
    );
    await queryRunner.query(`ALTER TABLE message DROP COLUMN step_key`);
  }
}
