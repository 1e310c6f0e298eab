import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Write-back jobs may also replace an appointment's practitioner ('reassign', a dispatch plan's
 * request): the new Practitioner id, and the ones the EHR may show without that being a change
 * by staff (the booked one dispatch saw, our own earlier reassignments). A newer request for
 * the same appointment ends an older pending one as 'superseded' (nothing written, no event).
 */
export class ReassignPractitioners1800300000000 implements MigrationInterface {
  name = 'ReassignPractitioners1800300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD "ehr_practitioner_id" character varying(64)`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD "known_practitioner_ids" text array`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP CONSTRAINT "CHK_ehr_write_back_job_action"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD CONSTRAINT "CHK_ehr_write_back_job_action" CHECK ("action" IN ('confirm', 'cancel', 'reschedule', 'book', 'reassign'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP CONSTRAINT "CHK_ehr_write_back_job_status"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD CONSTRAINT "CHK_ehr_write_back_job_status" CHECK ("status" IN ('pending', 'succeeded', 'failed', 'superseded'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP CONSTRAINT "CHK_ehr_write_back_job_status"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD CONSTRAINT "CHK_ehr_write_back_job_status" CHECK ("status" IN ('pending', 'succeeded', 'failed'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP CONSTRAINT "CHK_ehr_write_back_job_action"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD CONSTRAINT "CHK_ehr_write_back_job_action" CHECK ("action" IN ('confirm', 'cancel', 'reschedule', 'book'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP COLUMN "known_practitioner_ids"`,
    );
    await queryRunner.query(`ALTER TABLE "ehr_write_back_job" DROP COLUMN "ehr_practitioner_id"`);
  }
}
