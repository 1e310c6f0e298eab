import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What booking a fill in the EHR needs: the acceptor's EHR patient id (staff record it on the
 * entry), the freed EHR appointment and its version (the gateway copies its practitioner,
 * location and Slot, and refuses when staff changed it since), and a slot state for "accepted,
 * the EHR booking is under way".
 */
export class BookFillsInEhr1798300000000 implements MigrationInterface {
  name = 'BookFillsInEhr1798300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE waitlist_entry ADD COLUMN ehr_patient_id text`);
    await queryRunner.query(
      `ALTER TABLE freed_slot ADD COLUMN freed_ehr_appointment_id text NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(
      `ALTER TABLE freed_slot ADD COLUMN freed_ehr_version text NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(`ALTER TABLE freed_slot DROP CONSTRAINT ck_freed_slot_status`);
    await queryRunner.query(
      `ALTER TABLE freed_slot ADD CONSTRAINT ck_freed_slot_status CHECK (status IN ('offering', 'booking', 'filled', 'filled_by_staff', 'escalated', 'expired'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE freed_slot DROP CONSTRAINT ck_freed_slot_status`);
    await queryRunner.query(
      `ALTER TABLE freed_slot ADD CONSTRAINT ck_freed_slot_status CHECK (status IN ('offering', 'filled', 'filled_by_staff', 'escalated', 'expired'))`,
    );
    await queryRunner.query(`ALTER TABLE freed_slot DROP COLUMN freed_ehr_version`);
    await queryRunner.query(`ALTER TABLE freed_slot DROP COLUMN freed_ehr_appointment_id`);
    await queryRunner.query(`ALTER TABLE waitlist_entry DROP COLUMN ehr_patient_id`);
  }
}
