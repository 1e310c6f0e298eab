import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Write-back jobs may also move a waitlist acceptor's kept visit to the freed time ('move'):
 * the job's appointment is the kept visit (its expected_version the kept visit's version as the
 * waitlist knew it); the freed appointment, whose practitioner, location and Slots the move
 * takes, and its version are recorded beside it.
 */
export class MoveKeptVisits1800600000000 implements MigrationInterface {
  name = 'MoveKeptVisits1800600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD "freed_ehr_appointment_id" character varying(64)`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD "freed_ehr_version" character varying(64)`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP CONSTRAINT "CHK_ehr_write_back_job_action"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD CONSTRAINT "CHK_ehr_write_back_job_action" CHECK ("action" IN ('confirm', 'cancel', 'reschedule', 'book', 'move', 'reassign'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "ehr_write_back_job" WHERE "action" = 'move'`);
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP CONSTRAINT "CHK_ehr_write_back_job_action"`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" ADD CONSTRAINT "CHK_ehr_write_back_job_action" CHECK ("action" IN ('confirm', 'cancel', 'reschedule', 'book', 'reassign'))`,
    );
    await queryRunner.query(`ALTER TABLE "ehr_write_back_job" DROP COLUMN "freed_ehr_version"`);
    await queryRunner.query(
      `ALTER TABLE "ehr_write_back_job" DROP COLUMN "freed_ehr_appointment_id"`,
    );
  }
}
