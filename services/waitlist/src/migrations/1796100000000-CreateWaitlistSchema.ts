import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Waitlist entries, freed slots and the offers made for them. */
export class CreateWaitlistSchema1796100000000 implements MigrationInterface {
  name = 'CreateWaitlistSchema1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE waitlist_entry (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        patient_id text NOT NULL,
        appointment_type_code text NOT NULL,
        provider_ids text[] NOT NULL,
        location_ids text[] NOT NULL,
        earliest_date date NOT NULL,
        latest_date date NOT NULL,
        weekdays smallint[] NOT NULL,
        times_of_day jsonb NOT NULL,
        urgency text NOT NULL,
        channels text[] NOT NULL,
        home_lat double precision,
        home_lng double precision,
        status text NOT NULL,
        declines integer NOT NULL,
        waiting_since timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        closed_at timestamptz,
        CONSTRAINT ck_waitlist_entry_status CHECK (status IN ('open', 'booked', 'withdrawn', 'expired')),
        CONSTRAINT ck_waitlist_entry_urgency CHECK (urgency IN ('routine', 'soon', 'urgent')),
        CONSTRAINT ck_waitlist_entry_dates CHECK (latest_date >= earliest_date),
        CONSTRAINT ck_waitlist_entry_declines CHECK (declines >= 0)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_waitlist_entry_open_patient_type ON waitlist_entry (tenant_id, patient_id, appointment_type_code) WHERE status = 'open'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_waitlist_entry_tenant_status ON waitlist_entry (tenant_id, status)`,
    );
    await queryRunner.query(`
      CREATE TABLE freed_slot (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        freed_by_appointment_id uuid NOT NULL,
        start_at timestamptz NOT NULL,
        end_at timestamptz NOT NULL,
        time_zone text NOT NULL,
        appointment_type_code text NOT NULL,
        provider_id text NOT NULL,
        location_id text NOT NULL,
        status text NOT NULL,
        wave integer NOT NULL,
        offers_made integer NOT NULL,
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        filled_entry_id uuid,
        escalation_reason text,
        CONSTRAINT ck_freed_slot_status CHECK (status IN ('offering', 'filled', 'filled_by_staff', 'escalated', 'expired')),
        CONSTRAINT ck_freed_slot_interval CHECK (end_at > start_at)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_freed_slot_source ON freed_slot (tenant_id, freed_by_appointment_id, start_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_freed_slot_tenant_status ON freed_slot (tenant_id, status)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_freed_slot_tenant_opened ON freed_slot (tenant_id, opened_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE waitlist_offer (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        slot_id uuid NOT NULL,
        entry_id uuid NOT NULL,
        patient_id text NOT NULL,
        wave integer NOT NULL,
        rank integer NOT NULL,
        status text NOT NULL,
        hold_until timestamptz NOT NULL,
        explanation jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        resolved_at timestamptz,
        CONSTRAINT ck_waitlist_offer_status CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'withdrawn', 'too_late'))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_waitlist_offer_one_acceptance ON waitlist_offer (slot_id) WHERE status = 'accepted'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_waitlist_offer_open_entry ON waitlist_offer (entry_id) WHERE status = 'open'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_waitlist_offer_slot_entry ON waitlist_offer (slot_id, entry_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_waitlist_offer_open_hold ON waitlist_offer (hold_until) WHERE status = 'open'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE waitlist_offer`);
    await queryRunner.query(`DROP TABLE freed_slot`);
    await queryRunner.query(`DROP TABLE waitlist_entry`);
  }
}
