import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  disableTenantIsolation,
  enableTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { MessagingJobs } from '../message/messaging-jobs';

/**
 * Email reminders and the SMS → email fallback:
 * - message.channel may be 'email' (to_e164 then holds the address, body the rendered email);
 * - message.fallback_to / fallback_body (PHI, encrypted like to_e164 and body): a reminder
 *   text's email stand-in, rendered with it at planning, used when the number proves
 *   undeliverable (Twilio 30003/30006); null when the patient has no address;
 * - undeliverable_number: numbers a tenant's texts could not reach, by blind index, so later
 *   steps go by email directly. Under row-level security: the sender's claim reads it across
 *   tenants (as the sender job); marking happens in the message's tenant transaction.
 */
const ISOLATED: TenantIsolation = {
  table: 'undeliverable_number',
  jobs: { [MessagingJobs.Sender]: ['SELECT'] },
};

export class EmailRemindersAndFallback1796200000000 implements MigrationInterface {
  name = 'EmailRemindersAndFallback1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_channel`);
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_channel CHECK (channel IN ('sms', 'email'))`,
    );
    await queryRunner.query(`ALTER TABLE message ADD COLUMN fallback_to text`);
    await queryRunner.query(`ALTER TABLE message ADD COLUMN fallback_body text`);
    await queryRunner.query(`
      CREATE TABLE undeliverable_number (
        tenant_id text NOT NULL,
        to_lookup_hash text NOT NULL,
        error_code text NOT NULL,
        marked_at timestamptz NOT NULL,
        evidence_message_id uuid NOT NULL,
        CONSTRAINT pk_undeliverable_number PRIMARY KEY (tenant_id, to_lookup_hash)
      )`);
    for (const statement of enableTenantIsolation(ISOLATED)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of disableTenantIsolation(ISOLATED)) await queryRunner.query(statement);
    await queryRunner.query(`DROP TABLE undeliverable_number`);
    await queryRunner.query(`ALTER TABLE message DROP COLUMN fallback_body`);
    await queryRunner.query(`ALTER TABLE message DROP COLUMN fallback_to`);
    await queryRunner.query(`DELETE FROM message WHERE channel = 'email'`);
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_channel`);
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_channel CHECK (channel IN ('sms'))`,
    );
  }
}
