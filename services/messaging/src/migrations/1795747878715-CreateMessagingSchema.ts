import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Messages and the per-appointment revision watermark. Every row carries tenant_id; all
 * times are timestamptz (UTC sessions, see buildDataSourceOptions).
 */
export class CreateMessagingSchema1795747878715 implements MigrationInterface {
  name = 'CreateMessagingSchema1795747878715';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE message (
        id uuid NOT NULL,
        tenant_id text NOT NULL,
        appointment_id uuid NOT NULL,
        revision integer NOT NULL CONSTRAINT ck_message_revision CHECK (revision > 0),
        purpose text NOT NULL CONSTRAINT ck_message_purpose CHECK (purpose IN ('confirmation')),
        channel text NOT NULL CONSTRAINT ck_message_channel CHECK (channel IN ('sms')),
        state text NOT NULL CONSTRAINT ck_message_state CHECK (state IN (
          'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'suppressed')),
        to_e164 text,
        body text,
        suppression_reason text,
        provider_message_id text,
        error_code text,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        first_attempt_at timestamptz,
        claim_token uuid,
        lease_expires_at timestamptz,
        correlation_id text NOT NULL,
        last_event_id uuid NOT NULL,
        traceparent text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        sent_at timestamptz,
        delivered_at timestamptz,
        CONSTRAINT pk_message PRIMARY KEY (id),
        -- A message that can still be sent must say to whom and what.
        CONSTRAINT ck_message_sendable CHECK (
          state IN ('suppressed', 'cancelled') OR (to_e164 IS NOT NULL AND body IS NOT NULL)),
        CONSTRAINT ck_message_sending_claimed CHECK (
          state <> 'sending' OR (claim_token IS NOT NULL AND lease_expires_at IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_message_idempotency ON message (tenant_id, appointment_id, revision, purpose)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_message_provider_message_id ON message (provider_message_id)
         WHERE provider_message_id IS NOT NULL`,
    );
    // The sender scans only these two small slices.
    await queryRunner.query(
      `CREATE INDEX ix_message_queued_due ON message (next_attempt_at) WHERE state = 'queued'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_message_sending_lease ON message (lease_expires_at) WHERE state = 'sending'`,
    );

    await queryRunner.query(`
      CREATE TABLE appointment_revision (
        tenant_id text NOT NULL,
        appointment_id uuid NOT NULL,
        revision integer NOT NULL CONSTRAINT ck_appointment_revision_revision CHECK (revision > 0),
        cancelled boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_appointment_revision PRIMARY KEY (tenant_id, appointment_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE appointment_revision`);
    await queryRunner.query(`DROP TABLE message`);
  }
}
