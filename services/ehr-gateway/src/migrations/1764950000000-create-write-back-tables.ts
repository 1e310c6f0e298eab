import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** EHR write-back: the durable job table and the versions our writes created (echoes). */
export class CreateWriteBackTables1764950000000 implements MigrationInterface {
  name = 'CreateWriteBackTables1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "ehr_write_back_job" (
         "id" uuid NOT NULL,
         "seq" BIGSERIAL NOT NULL,
         "tenant_id" character varying(100) NOT NULL,
         "response_id" uuid NOT NULL,
         "response_event_id" uuid NOT NULL,
         "correlation_id" uuid NOT NULL,
         "appointment_id" uuid NOT NULL,
         "ehr_appointment_id" character varying(64) NOT NULL,
         "action" character varying(16) NOT NULL,
         "slot_id" character varying(64),
         "new_start" TIMESTAMP WITH TIME ZONE,
         "new_end" TIMESTAMP WITH TIME ZONE,
         "expected_start" TIMESTAMP WITH TIME ZONE,
         "expected_end" TIMESTAMP WITH TIME ZONE,
         "status" character varying(16) NOT NULL DEFAULT 'pending',
         "attempts" integer NOT NULL DEFAULT 0,
         "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         "lease_until" TIMESTAMP WITH TIME ZONE,
         "last_error" character varying(200),
         "last_http_status" integer,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         "completed_at" TIMESTAMP WITH TIME ZONE,
         CONSTRAINT "CHK_ehr_write_back_job_action" CHECK ("action" IN ('confirm', 'cancel', 'reschedule')),
         CONSTRAINT "CHK_ehr_write_back_job_status" CHECK ("status" IN ('pending', 'succeeded', 'failed')),
         CONSTRAINT "PK_ehr_write_back_job" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_ehr_write_back_job_response" ON "ehr_write_back_job" ("tenant_id", "response_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ehr_write_back_job_due" ON "ehr_write_back_job" ("status", "next_attempt_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ehr_write_back_job_appointment" ON "ehr_write_back_job" ("tenant_id", "ehr_appointment_id", "seq")`,
    );
    await queryRunner.query(
      `CREATE TABLE "ehr_written_version" (
         "tenant_id" character varying(100) NOT NULL,
         "ehr_appointment_id" character varying(64) NOT NULL,
         "ehr_version" character varying(64) NOT NULL,
         "write_back_id" uuid NOT NULL,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "PK_ehr_written_version" PRIMARY KEY ("tenant_id", "ehr_appointment_id", "ehr_version"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "ehr_written_version"`);
    await queryRunner.query(`DROP TABLE "ehr_write_back_job"`);
  }
}
