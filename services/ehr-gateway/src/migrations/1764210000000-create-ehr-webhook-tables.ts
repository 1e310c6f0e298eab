import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Creates the replay guard and the appointment state table (see their entities). */
export class CreateEhrWebhookTables1764210000000 implements MigrationInterface {
  name = 'CreateEhrWebhookTables1764210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "ehr_webhook_delivery" (
        "tenant_id" character varying(100) NOT NULL,
        "webhook_id" character varying(256) NOT NULL,
        "ehr_appointment_id" character varying(64) NOT NULL,
        "outcome" character varying(16) NOT NULL,
        "event_id" uuid,
        "correlation_id" uuid NOT NULL,
        "webhook_timestamp" TIMESTAMP WITH TIME ZONE NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_ehr_webhook_delivery" PRIMARY KEY ("tenant_id", "webhook_id"),
        CONSTRAINT "CHK_ehr_webhook_delivery_outcome"
          CHECK ("outcome" IN ('accepted', 'duplicate', 'ignored')))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ehr_webhook_delivery_expires_at" ON "ehr_webhook_delivery" ("expires_at")`,
    );
    await queryRunner.query(
      `CREATE TABLE "ehr_appointment_state" (
        "tenant_id" character varying(100) NOT NULL,
        "ehr_appointment_id" character varying(64) NOT NULL,
        "ehr_version" text NOT NULL,
        "lifecycle" character varying(16) NOT NULL,
        "start_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "end_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "source_updated_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_ehr_appointment_state" PRIMARY KEY ("tenant_id", "ehr_appointment_id"),
        CONSTRAINT "CHK_ehr_appointment_state_lifecycle" CHECK ("lifecycle" IN ('active', 'cancelled')),
        CONSTRAINT "CHK_ehr_appointment_state_interval" CHECK ("end_at" >= "start_at"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "ehr_appointment_state"`);
    await queryRunner.query(`DROP TABLE "ehr_webhook_delivery"`);
  }
}
