import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What reconciliation needs to tolerate a provider list that lags:
 *  - `message.last_attempt_at`: when the newest send attempt started. "Not in Twilio's list"
 *    only proves "not sent" once that attempt is older than the lease plus the list's lag.
 *  - `early_status_callback.message_id`: our message id, carried by the StatusCallback URL.
 *    A callback for an unknown SID that names the message proves Twilio has it, by that SID.
 */
export class TolerateProviderListLag1795900000002 implements MigrationInterface {
  name = 'TolerateProviderListLag1795900000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE message ADD COLUMN last_attempt_at timestamptz`);
    // Rows in flight during the upgrade: their first attempt is the best known bound.
    await queryRunner.query(
      `UPDATE message SET last_attempt_at = first_attempt_at WHERE first_attempt_at IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE early_status_callback ADD COLUMN message_id uuid`);
    await queryRunner.query(
      `CREATE INDEX ix_early_status_callback_message_id ON early_status_callback (message_id)
         WHERE message_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_early_status_callback_message_id`);
    await queryRunner.query(`ALTER TABLE early_status_callback DROP COLUMN message_id`);
    await queryRunner.query(`ALTER TABLE message DROP COLUMN last_attempt_at`);
  }
}
