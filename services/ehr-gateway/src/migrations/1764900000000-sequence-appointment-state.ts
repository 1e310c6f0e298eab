import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Appointment versions become a per-appointment sequence; the content hash, which used to
 * stand in for `meta.versionId`, moves to its own column and only de-duplicates.
 */
export class SequenceAppointmentState1764900000000 implements MigrationInterface {
  name = 'SequenceAppointmentState1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "ehr_appointment_state"
         ADD COLUMN "sequence" integer NOT NULL DEFAULT 0,
         ADD COLUMN "content_hash" text,
         ALTER COLUMN "ehr_version" DROP NOT NULL`,
    );
    await queryRunner.query(
      `UPDATE "ehr_appointment_state"
         SET "content_hash" = "ehr_version", "ehr_version" = NULL
       WHERE "ehr_version" LIKE 'sha256:%'`,
    );
    // Rows that carried a versionId have no hash yet; a value that matches no delivery makes
    // their next unversioned delivery a change rather than a duplicate.
    await queryRunner.query(
      `UPDATE "ehr_appointment_state" SET "content_hash" = '' WHERE "content_hash" IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_appointment_state"
         ALTER COLUMN "content_hash" SET NOT NULL,
         ADD CONSTRAINT "CHK_ehr_appointment_state_sequence" CHECK ("sequence" >= 0)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "ehr_appointment_state" SET "ehr_version" = "content_hash" WHERE "ehr_version" IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_appointment_state"
         DROP CONSTRAINT "CHK_ehr_appointment_state_sequence",
         DROP COLUMN "sequence",
         DROP COLUMN "content_hash",
         ALTER COLUMN "ehr_version" SET NOT NULL`,
    );
  }
}
