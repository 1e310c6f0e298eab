import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * An entry made by a patient's "Ask for an earlier time" names the visit the patient keeps
 * (scheduling's appointment uuid): a fill moves that visit rather than adding a second one, so
 * its acceptance is booked by staff, who see which visit to move; a cancellation of that visit
 * withdraws the entry. Null for staff entries.
 */
export class RecordKeptVisits1800100000000 implements MigrationInterface {
  name = 'RecordKeptVisits1800100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE waitlist_entry ADD COLUMN replaces_appointment_id text`);
    // Every cancellation looks for entries keeping the cancelled visit: few rows, found by index.
    await queryRunner.query(
      `CREATE INDEX ix_waitlist_entry_open_replaces ON waitlist_entry (tenant_id, replaces_appointment_id) WHERE status = 'open' AND replaces_appointment_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_waitlist_entry_open_replaces`);
    await queryRunner.query(`ALTER TABLE waitlist_entry DROP COLUMN replaces_appointment_id`);
  }
}
