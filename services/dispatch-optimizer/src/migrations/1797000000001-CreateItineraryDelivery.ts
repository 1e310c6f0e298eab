import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateItineraryDelivery1797000000001 implements MigrationInterface {
  name = 'CreateItineraryDelivery1797000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE itinerary_delivery (
         id uuid NOT NULL,
         tenant_id text NOT NULL,
         plan_id text NOT NULL,
         plan_version integer NOT NULL,
         provider_id text NOT NULL,
         days text[] NOT NULL,
         revised boolean NOT NULL,
         channel text NOT NULL,
         state text NOT NULL,
         attempts integer NOT NULL DEFAULT 0,
         next_attempt_at timestamptz NOT NULL,
         lease_expires_at timestamptz,
         first_attempt_at timestamptz,
         last_error text,
         external_channel text,
         external_id text,
         thread_of text,
         created_at timestamptz NOT NULL,
         sent_at timestamptz,
         CONSTRAINT pk_itinerary_delivery PRIMARY KEY (id),
         CONSTRAINT ck_itinerary_delivery_state CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
         CONSTRAINT ck_itinerary_delivery_channel CHECK (channel IN ('slack', 'sms', 'email')),
         CONSTRAINT ck_itinerary_delivery_sending_claimed CHECK (state <> 'sending' OR lease_expires_at IS NOT NULL))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_itinerary_delivery_plan_provider
         ON itinerary_delivery (tenant_id, plan_id, plan_version, provider_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_itinerary_delivery_queued_due ON itinerary_delivery (next_attempt_at)
         WHERE state = 'queued'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_itinerary_delivery_sending_lease ON itinerary_delivery (lease_expires_at)
         WHERE state = 'sending'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_itinerary_delivery_provider_sent
         ON itinerary_delivery (tenant_id, provider_id, sent_at) WHERE state = 'sent'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE itinerary_delivery`);
  }
}
