import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Two-way SMS and consent:
 * - message: the patient (scheduling's uuid) and the recipient's blind index (HMAC of the
 *   number, per tenant), so an inbound reply finds the message it answers and caps count a
 *   patient's texts without decrypting numbers; `reply` is the purpose of the texts that answer
 *   a patient (opt-out / opt-in confirmation, HELP).
 * - appointment_revision: the EHR's appointment id, for messaging.patient-response.v1.
 * - consent: the current state per tenant, patient and channel, with its source and evidence.
 * - inbound_message: every reply Twilio posted, unique on its Message SID (idempotency).
 */
export class TwoWaySmsAndConsent1795900000004 implements MigrationInterface {
  name = 'TwoWaySmsAndConsent1795900000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE message ADD COLUMN patient_id uuid`);
    await queryRunner.query(`ALTER TABLE message ADD COLUMN to_lookup_hash text`);
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_purpose`);
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_purpose CHECK (purpose IN ('confirmation', 'reminder', 'reply'))`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_message_recipient_lookup ON message (to_lookup_hash, created_at)
         WHERE to_lookup_hash IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_message_patient_queued ON message (tenant_id, patient_id, channel)
         WHERE state = 'queued' AND patient_id IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX ix_message_reminder_recipient`);
    await queryRunner.query(
      `CREATE INDEX ix_message_reminder_recipient ON message (to_lookup_hash, next_attempt_at)
         WHERE purpose = 'reminder'`,
    );
    await queryRunner.query(`ALTER TABLE appointment_revision ADD COLUMN ehr_appointment_id text`);
    await queryRunner.query(`
      CREATE TABLE consent (
        tenant_id text NOT NULL,
        patient_id uuid NOT NULL,
        channel text NOT NULL CONSTRAINT ck_consent_channel CHECK (channel IN ('sms', 'email')),
        state text NOT NULL CONSTRAINT ck_consent_state CHECK (state IN ('granted', 'withdrawn')),
        changed_at timestamptz NOT NULL,
        source text NOT NULL CONSTRAINT ck_consent_source
          CHECK (source IN ('ehr', 'intake', 'keyword', 'twilio_21610', 'staff', 'unsubscribe_link')),
        evidence_id text NOT NULL,
        CONSTRAINT pk_consent PRIMARY KEY (tenant_id, patient_id, channel)
      )`);
    await queryRunner.query(`
      CREATE TABLE inbound_message (
        id uuid NOT NULL CONSTRAINT pk_inbound_message PRIMARY KEY,
        provider_message_id text NOT NULL,
        tenant_id text,
        patient_id uuid,
        appointment_id uuid,
        answered_message_id uuid,
        intent text NOT NULL,
        body text,
        received_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_inbound_message_provider_message_id ON inbound_message (provider_message_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_inbound_message_patient ON inbound_message (tenant_id, patient_id, received_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbound_message`);
    await queryRunner.query(`DROP TABLE consent`);
    await queryRunner.query(`ALTER TABLE appointment_revision DROP COLUMN ehr_appointment_id`);
    await queryRunner.query(`DROP INDEX ix_message_reminder_recipient`);
    await queryRunner.query(
      `CREATE INDEX ix_message_reminder_recipient ON message (tenant_id, to_e164, next_attempt_at)
         WHERE purpose = 'reminder'`,
    );
    await queryRunner.query(`DROP INDEX ix_message_patient_queued`);
    await queryRunner.query(`DROP INDEX ix_message_recipient_lookup`);
    await queryRunner.query(`DELETE FROM message WHERE purpose = 'reply'`);
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_purpose`);
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_purpose CHECK (purpose IN ('confirmation', 'reminder'))`,
    );
    await queryRunner.query(`ALTER TABLE message DROP COLUMN to_lookup_hash`);
    await queryRunner.query(`ALTER TABLE message DROP COLUMN patient_id`);
  }
}
