import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The patient's preferred language (BCP-47, from scheduling.appointment.v1) beside the page's
 * view of each appointment: the patient page and the replies to a patient's texts are written
 * in it. `link_appointment` is already under forced row-level security (1796100000001).
 */
export class RememberPatientLanguage1798100000000 implements MigrationInterface {
  name = 'RememberPatientLanguage1798100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE link_appointment ADD COLUMN patient_language text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE link_appointment DROP COLUMN patient_language`);
  }
}
