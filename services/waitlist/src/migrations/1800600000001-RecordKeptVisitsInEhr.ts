import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A fill for a patient who keeps a visit moves that visit in the EHR (ehr-gateway), so the entry
 * records the kept visit as the EHR names it: its id (from the "Ask for an earlier time"
 * request), its version and scheduling's revision of it (kept current from scheduling's
 * appointment events; the revision keeps an older event from overwriting a newer version).
 * Null / '' / 0 = not known: the gateway then judges by where the visit last sat.
 */
export class RecordKeptVisitsInEhr1800600000001 implements MigrationInterface {
  name = 'RecordKeptVisitsInEhr1800600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE waitlist_entry ADD COLUMN kept_ehr_appointment_id text`);
    await queryRunner.query(
      `ALTER TABLE waitlist_entry ADD COLUMN kept_ehr_version text NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(
      `ALTER TABLE waitlist_entry ADD COLUMN kept_revision integer NOT NULL DEFAULT 0`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE waitlist_entry DROP COLUMN kept_revision`);
    await queryRunner.query(`ALTER TABLE waitlist_entry DROP COLUMN kept_ehr_version`);
    await queryRunner.query(`ALTER TABLE waitlist_entry DROP COLUMN kept_ehr_appointment_id`);
  }
}
