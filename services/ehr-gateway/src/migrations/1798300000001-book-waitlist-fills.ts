import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Write-back jobs may also book a waitlist fill ('book'): a new Appointment for the acceptor
 * (their EHR patient id) in the time a cancelled appointment freed, refused when the freed
 * appointment is no longer at the version the waitlist saw.
 */
export class BookWaitlistFills1798300000001 implements MigrationInterface {
  name = 'BookWaitlistFills1798300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD "ehr_patient_id" character varying(64)`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD "expected_version" character varying(64)`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP CONSTRAINT "CHK_ehr_write_back_job_action"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD CONSTRAINT "CHK_ehr_write_back_job_action" CHECK ("action" IN ('confirm', 'cancel', 'reschedule', 'book'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP CONSTRAINT "CHK_ehr_write_back_job_action"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD CONSTRAINT "CHK_ehr_write_back_job_action" CHECK ("action" IN ('confirm', 'cancel', 'reschedule'))`,
    );
    await queryRunner.query(`ALTER TABLE "ehr_write_back_job" DROP COLUMN "expected_version"`);
    await queryRunner.query(`ALTER TABLE "ehr_write_back_job" DROP COLUMN "ehr_patient_id"`);
  }
}
