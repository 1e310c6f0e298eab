import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * ehr-gateway numbers each appointment's changes; scheduling keeps the last one applied so a
 * replayed or stale event can never move an appointment backwards. Existing rows start at 0.
 */
export class AddAppointmentEhrSequence1767100000000 implements MigrationInterface {
  name = 'AddAppointmentEhrSequence1767100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE appointment
         ADD COLUMN ehr_sequence bigint NOT NULL DEFAULT 0
         CONSTRAINT ck_appointment_ehr_sequence CHECK (ehr_sequence >= 0)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE appointment DROP COLUMN ehr_sequence`);
  }
}
