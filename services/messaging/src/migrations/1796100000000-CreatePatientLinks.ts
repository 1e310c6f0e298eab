import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One-tap patient links (issue 10): the links (token digests only), the page's view of each
 * appointment, the patients' answers (one per link and kind), the staff inbox for "call me",
 * and the read model of the EHR's free slots the reschedule page offers. A response whose EHR
 * write-back failed keeps the reason (`write_back_failure`); the staff inbox holds one entry per
 * response and kind ("call me", a failed write-back).
 */
export class CreatePatientLinks1796100000000 implements MigrationInterface {
  name = 'CreatePatientLinks1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "patient_link" ("id" uuid NOT NULL, "tenant_id" text NOT NULL, "token_digest" bytea NOT NULL, "appointment_id" uuid NOT NULL, "appointment_revision" integer NOT NULL, "message_id" uuid, "correlation_id" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_patient_link" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_patient_link_appointment" ON "patient_link" ("tenant_id", "appointment_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_patient_link_token_digest" ON "patient_link" ("token_digest") `,
    );
    await queryRunner.query(
      `CREATE TABLE "link_appointment" ("tenant_id" text NOT NULL, "appointment_id" uuid NOT NULL, "revision" integer NOT NULL, "ehr_appointment_id" text NOT NULL, "practice_name" text NOT NULL, "start_at" TIMESTAMP WITH TIME ZONE NOT NULL, "end_at" TIMESTAMP WITH TIME ZONE NOT NULL, "time_zone" text NOT NULL, "location_id" text NOT NULL, "location_name" text NOT NULL, "address" text, "provider_id" text NOT NULL, "provider_display_name" text NOT NULL, "appointment_type_code" text NOT NULL, "cancelled" boolean NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_link_appointment" PRIMARY KEY ("tenant_id", "appointment_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "patient_response" ("id" uuid NOT NULL, "tenant_id" text NOT NULL, "link_id" uuid NOT NULL, "appointment_id" uuid NOT NULL, "appointment_revision" integer NOT NULL, "kind" text NOT NULL, "slot_id" text, "new_start_at" TIMESTAMP WITH TIME ZONE, "new_end_at" TIMESTAMP WITH TIME ZONE, "cancellation_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "write_back_failure" text, CONSTRAINT "pk_patient_response" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_patient_response_appointment" ON "patient_response" ("tenant_id", "appointment_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_patient_response_link_kind" ON "patient_response" ("link_id", "kind") `,
    );
    await queryRunner.query(
      `CREATE TABLE "staff_inbox_entry" ("id" uuid NOT NULL, "tenant_id" text NOT NULL, "appointment_id" uuid NOT NULL, "kind" text NOT NULL, "response_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_staff_inbox_entry" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_staff_inbox_entry_open" ON "staff_inbox_entry" ("tenant_id", "created_at") WHERE resolved_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_staff_inbox_entry_response_kind" ON "staff_inbox_entry" ("response_id", "kind") `,
    );
    await queryRunner.query(
      `CREATE TABLE "ehr_free_slot" ("tenant_id" text NOT NULL, "slot_id" text NOT NULL, "ehr_schedule_id" text NOT NULL, "ehr_practitioner_ids" text array NOT NULL, "ehr_location_ids" text array NOT NULL, "appointment_type_codes" text array NOT NULL, "start_at" TIMESTAMP WITH TIME ZONE NOT NULL, "end_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_ehr_free_slot" PRIMARY KEY ("tenant_id", "slot_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_ehr_free_slot_schedule" ON "ehr_free_slot" ("tenant_id", "ehr_schedule_id", "start_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_ehr_free_slot_start" ON "ehr_free_slot" ("tenant_id", "start_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "ehr_slot_snapshot" ("tenant_id" text NOT NULL, "ehr_schedule_id" text NOT NULL, "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_ehr_slot_snapshot" PRIMARY KEY ("tenant_id", "ehr_schedule_id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "ehr_slot_snapshot"`);
    await queryRunner.query(`DROP TABLE "ehr_free_slot"`);
    await queryRunner.query(`DROP TABLE "staff_inbox_entry"`);
    await queryRunner.query(`DROP TABLE "patient_response"`);
    await queryRunner.query(`DROP TABLE "link_appointment"`);
    await queryRunner.query(`DROP TABLE "patient_link"`);
  }
}
