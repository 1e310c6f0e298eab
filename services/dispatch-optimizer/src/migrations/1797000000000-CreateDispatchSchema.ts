import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Roster, rules, appointments, travel-time caches, plans, exceptions and call-outs. Every row carries tenant_id. */
export class CreateDispatchSchema1797000000000 implements MigrationInterface {
  name = 'CreateDispatchSchema1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dispatch_provider (
        tenant_id text NOT NULL,
        provider_id text NOT NULL,
        display_name text NOT NULL,
        credentials text[] NOT NULL,
        home_base jsonb NOT NULL,
        clinic_ids text[] NOT NULL,
        weekly_availability jsonb NOT NULL,
        availability_exceptions jsonb NOT NULL,
        max_hours_per_day double precision NOT NULL,
        max_hours_per_week double precision NOT NULL,
        delivery jsonb NOT NULL,
        active boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_dispatch_provider PRIMARY KEY (tenant_id, provider_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE dispatch_appointment_type_rule (
        tenant_id text NOT NULL,
        type_code text NOT NULL,
        required_credentials text[] NOT NULL,
        visit_mode text NOT NULL,
        default_duration_minutes integer NOT NULL,
        priority integer NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_dispatch_appointment_type_rule PRIMARY KEY (tenant_id, type_code)
      )`);
    await queryRunner.query(`
      CREATE TABLE dispatch_clinic (
        tenant_id text NOT NULL,
        clinic_id text NOT NULL,
        name text NOT NULL,
        address text NOT NULL,
        coordinates jsonb NOT NULL,
        location_ids text[] NOT NULL,
        opening_hours jsonb NOT NULL,
        blocks jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_dispatch_clinic PRIMARY KEY (tenant_id, clinic_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE dispatch_tenant_settings (
        tenant_id text NOT NULL,
        time_zone text NOT NULL,
        weekly_run_day text NOT NULL,
        weekly_run_time text NOT NULL,
        weekly_plan_days text[] NOT NULL,
        nightly_run_time text,
        maps_api_key text,
        maps_monthly_element_budget integer NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_dispatch_tenant_settings PRIMARY KEY (tenant_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE dispatch_appointment (
        tenant_id text NOT NULL,
        appointment_id uuid NOT NULL,
        revision integer NOT NULL,
        status text NOT NULL,
        start_at timestamptz NOT NULL,
        end_at timestamptz NOT NULL,
        type_code text NOT NULL,
        patient_display_name text NOT NULL,
        location_id text NOT NULL,
        time_zone text NOT NULL,
        address_line text NOT NULL,
        lat double precision,
        lon double precision,
        geocode_status text NOT NULL,
        booked_provider_id text,
        planned_revision integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_dispatch_appointment PRIMARY KEY (tenant_id, appointment_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_dispatch_appointment_tenant_start ON dispatch_appointment (tenant_id, start_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE geocode_cache (
        tenant_id text NOT NULL,
        address_key text NOT NULL,
        lat double precision,
        lon double precision,
        resolved boolean NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_geocode_cache PRIMARY KEY (tenant_id, address_key)
      )`);
    await queryRunner.query(`
      CREATE TABLE travel_time_cache (
        tenant_id text NOT NULL,
        origin_key text NOT NULL,
        destination_key text NOT NULL,
        bucket text NOT NULL,
        seconds integer NOT NULL,
        meters integer NOT NULL,
        fetched_at timestamptz NOT NULL,
        CONSTRAINT pk_travel_time_cache PRIMARY KEY (tenant_id, origin_key, destination_key, bucket)
      )`);
    await queryRunner.query(`
      CREATE TABLE maps_usage (
        tenant_id text NOT NULL,
        month text NOT NULL,
        billed_elements integer NOT NULL,
        CONSTRAINT pk_maps_usage PRIMARY KEY (tenant_id, month)
      )`);
    await queryRunner.query(`
      CREATE TABLE dispatch_plan (
        tenant_id text NOT NULL,
        plan_id uuid NOT NULL,
        version integer NOT NULL,
        kind text NOT NULL,
        horizon_from timestamptz NOT NULL,
        horizon_until timestamptz NOT NULL,
        plan jsonb NOT NULL,
        inputs jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_dispatch_plan PRIMARY KEY (tenant_id, plan_id, version)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_dispatch_plan_tenant_horizon ON dispatch_plan (tenant_id, horizon_from)`,
    );
    await queryRunner.query(`
      CREATE TABLE dispatch_exception (
        exception_id uuid NOT NULL,
        tenant_id text NOT NULL,
        kind text NOT NULL,
        reason text NOT NULL,
        dedupe_key text NOT NULL,
        plan_id uuid,
        plan_version integer,
        appointment_id uuid,
        provider_id text,
        detail jsonb NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL,
        resolved_at timestamptz,
        CONSTRAINT pk_dispatch_exception PRIMARY KEY (exception_id)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_dispatch_exception_dedupe ON dispatch_exception (tenant_id, dedupe_key)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_dispatch_exception_tenant_status ON dispatch_exception (tenant_id, status, created_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE dispatch_call_out (
        call_out_id uuid NOT NULL,
        tenant_id text NOT NULL,
        provider_id text NOT NULL,
        from_at timestamptz NOT NULL,
        until_at timestamptz,
        reason text NOT NULL,
        source text NOT NULL,
        idempotency_key text,
        outcome jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_dispatch_call_out PRIMARY KEY (call_out_id)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_dispatch_call_out_idempotency ON dispatch_call_out (tenant_id, idempotency_key)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'dispatch_call_out',
      'dispatch_exception',
      'dispatch_plan',
      'maps_usage',
      'travel_time_cache',
      'geocode_cache',
      'dispatch_appointment',
      'dispatch_tenant_settings',
      'dispatch_clinic',
      'dispatch_appointment_type_rule',
      'dispatch_provider',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
