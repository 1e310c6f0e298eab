import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The patient's preferred language (a BCP-47 tag from FHIR `Patient.communication`, as the EHR
 * gateway validated it), carried to messaging in scheduling.appointment.v1. NULL = unknown.
 * Not a contact detail: patient-contact retention leaves it.
 */
export class AddPatientPreferredLanguage1798100000000 implements MigrationInterface {
  name = 'AddPatientPreferredLanguage1798100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE patient ADD COLUMN preferred_language text`);
    await queryRunner.query(
      `ALTER TABLE patient ADD CONSTRAINT ck_patient_preferred_language
         CHECK (preferred_language IS NULL OR char_length(preferred_language) BETWEEN 2 AND 35)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE patient DROP CONSTRAINT ck_patient_preferred_language`);
    await queryRunner.query(`ALTER TABLE patient DROP COLUMN preferred_language`);
  }
}
