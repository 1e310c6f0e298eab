import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { disableTenantIsolation, enableTenantIsolation, JOB_SETTING } from '@caredispatch/kafka';

import { MessagingJobs } from '../message/messaging-jobs';

const inboundJob = `NULLIF(current_setting('${JOB_SETTING}', true), '') = '${MessagingJobs.InboundSms}'`;

/**
 * Waitlist offers by SMS (issue 11):
 * - `message.purpose` gains `waitlist_offer`; such a text is answerable, so the inbound-sms
 *   job's match policy (1796000000001) now shows it too — still SELECT only, still only texts
 *   with a blind index.
 * - `waitlist_offer_text`: per tenant (row-level security, no job: it is only ever read and
 *   written in the offer's tenant transaction).
 */
export class TextWaitlistOffers1796600000000 implements MigrationInterface {
  name = 'TextWaitlistOffers1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.setPurposes(queryRunner, ['confirmation', 'reminder', 'reply', 'waitlist_offer']);
    await this.setInboundMatch(queryRunner, ['confirmation', 'reminder', 'waitlist_offer']);
    await queryRunner.query(`
      CREATE TABLE waitlist_offer_text (
        tenant_id text NOT NULL,
        offer_id uuid NOT NULL,
        slot_id uuid NOT NULL,
        patient_id text NOT NULL,
        message_id uuid,
        slot_start timestamptz NOT NULL,
        time_zone text NOT NULL,
        location_name text NOT NULL,
        hold_until timestamptz NOT NULL,
        state text NOT NULL,
        accepted_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_waitlist_offer_text PRIMARY KEY (tenant_id, offer_id),
        CONSTRAINT ck_waitlist_offer_text_state CHECK (state IN ('open', 'accepting', 'closed'))
      )`);
    for (const statement of enableTenantIsolation({ table: 'waitlist_offer_text' })) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of disableTenantIsolation({ table: 'waitlist_offer_text' })) {
      await queryRunner.query(statement);
    }
    await queryRunner.query(`DROP TABLE waitlist_offer_text`);
    await queryRunner.query(`DELETE FROM message WHERE purpose = 'waitlist_offer'`);
    await this.setInboundMatch(queryRunner, ['confirmation', 'reminder']);
    await this.setPurposes(queryRunner, ['confirmation', 'reminder', 'reply']);
  }

  private async setPurposes(queryRunner: QueryRunner, purposes: readonly string[]) {
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_purpose`);
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_purpose CHECK (purpose IN (${quoted(purposes)}))`,
    );
  }

  private async setInboundMatch(queryRunner: QueryRunner, purposes: readonly string[]) {
    await queryRunner.query(`DROP POLICY inbound_sms_match ON message`);
    await queryRunner.query(
      `CREATE POLICY inbound_sms_match ON message FOR SELECT
         USING (${inboundJob} AND to_lookup_hash IS NOT NULL AND purpose IN (${quoted(purposes)}))`,
    );
  }
}

function quoted(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(', ');
}
