import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Retention drops the phone number and text of finished messages (see
 * retention/message-retention.ts). The invariant that matters stays: a message that can still
 * be sent (queued or sending) says to whom and what.
 */
export class AllowScrubbedMessages1795900000001 implements MigrationInterface {
  name = 'AllowScrubbedMessages1795900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_sendable`);
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_sendable CHECK (
         state NOT IN ('queued', 'sending') OR (to_e164 IS NOT NULL AND body IS NOT NULL))`,
    );
    // Retention looks for finished messages that still hold PHI, oldest first.
    await queryRunner.query(
      `CREATE INDEX ix_message_retention_pending ON message (created_at)
         WHERE to_e164 IS NOT NULL OR body IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_message_retention_pending`);
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_sendable`);
    // Scrubbed rows would violate the old rule; it returns for new rows only.
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_sendable CHECK (
         state IN ('suppressed', 'cancelled', 'expired') OR (to_e164 IS NOT NULL AND body IS NOT NULL)) NOT VALID`,
    );
  }
}
