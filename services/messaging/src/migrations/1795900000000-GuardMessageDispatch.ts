import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What the sender needs to refuse a wrong or late text, and a place for status callbacks that
 * overtake our record of the provider's message id:
 *  - `message.appointment_start` (null for rows queued before this migration: never expired);
 *  - the `expired` state;
 *  - `early_status_callback`, keyed by provider message id. It has no tenant_id: a callback
 *    names only the SID, and the tenant is known once the SID matches a message.
 */
export class GuardMessageDispatch1795900000000 implements MigrationInterface {
  name = 'GuardMessageDispatch1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE message ADD COLUMN appointment_start timestamptz`);
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_state`);
    await queryRunner.query(`
      ALTER TABLE message ADD CONSTRAINT ck_message_state CHECK (state IN (
        'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'suppressed',
        'expired'))`);
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_sendable`);
    await queryRunner.query(`
      ALTER TABLE message ADD CONSTRAINT ck_message_sendable CHECK (
        state IN ('suppressed', 'cancelled', 'expired') OR (to_e164 IS NOT NULL AND body IS NOT NULL))`);

    await queryRunner.query(`
      CREATE TABLE early_status_callback (
        provider_message_id text NOT NULL,
        provider_status text NOT NULL,
        transition text NOT NULL,
        error_code text,
        received_at timestamptz NOT NULL,
        CONSTRAINT pk_early_status_callback PRIMARY KEY (provider_message_id, provider_status)
      )`);
    // Pruning reports whose message never turns up goes by age.
    await queryRunner.query(
      `CREATE INDEX ix_early_status_callback_received_at ON early_status_callback (received_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE early_status_callback`);
    await queryRunner.query(`DELETE FROM message WHERE state = 'expired'`);
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_sendable`);
    await queryRunner.query(`
      ALTER TABLE message ADD CONSTRAINT ck_message_sendable CHECK (
        state IN ('suppressed', 'cancelled') OR (to_e164 IS NOT NULL AND body IS NOT NULL))`);
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_state`);
    await queryRunner.query(`
      ALTER TABLE message ADD CONSTRAINT ck_message_state CHECK (state IN (
        'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'suppressed'))`);
    await queryRunner.query(`ALTER TABLE message DROP COLUMN appointment_start`);
  }
}
