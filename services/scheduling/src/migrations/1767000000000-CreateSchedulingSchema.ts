import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Patients, providers, locations and appointments. Every table carries tenant_id and every
 * unique index starts with it; appointments reference the directory through composite
 * (tenant_id, id) foreign keys so a row can never point at another tenant's patient.
 */
export class CreateSchedulingSchema1767000000000 implements MigrationInterface {
  name = 'CreateSchedulingSchema1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE patient (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        ehr_patient_id text NOT NULL,
        given_name text NOT NULL,
        family_name text NOT NULL,
        phone_e164 text NOT NULL,
        email text,
        sms_consent boolean NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_patient_tenant_ehr_patient ON patient (tenant_id, ehr_patient_id)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX ux_patient_tenant_id ON patient (tenant_id, id)`);

    await queryRunner.query(`
      CREATE TABLE provider (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        ehr_practitioner_id text NOT NULL,
        display_name text NOT NULL,
        credentials text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_provider_tenant_ehr_practitioner ON provider (tenant_id, ehr_practitioner_id)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_provider_tenant_id ON provider (tenant_id, id)`,
    );

    await queryRunner.query(`
      CREATE TABLE location (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        ehr_location_id text NOT NULL,
        name text NOT NULL,
        time_zone text NOT NULL,
        address jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_location_tenant_ehr_location ON location (tenant_id, ehr_location_id)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_location_tenant_id ON location (tenant_id, id)`,
    );

    await queryRunner.query(`
      CREATE TABLE appointment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        ehr_appointment_id text NOT NULL,
        source_system text NOT NULL,
        ehr_version text NOT NULL,
        status text NOT NULL CONSTRAINT ck_appointment_status CHECK (status IN ('booked', 'cancelled')),
        start_at timestamptz NOT NULL,
        end_at timestamptz NOT NULL,
        revision integer NOT NULL CONSTRAINT ck_appointment_revision CHECK (revision > 0),
        patient_id uuid NOT NULL,
        provider_id uuid,
        location_id uuid NOT NULL,
        practice_name text NOT NULL,
        appointment_type_code text NOT NULL,
        cancellation_reason_code text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT ck_appointment_interval CHECK (end_at >= start_at),
        CONSTRAINT fk_appointment_patient FOREIGN KEY (tenant_id, patient_id)
          REFERENCES patient (tenant_id, id),
        CONSTRAINT fk_appointment_provider FOREIGN KEY (tenant_id, provider_id)
          REFERENCES provider (tenant_id, id),
        CONSTRAINT fk_appointment_location FOREIGN KEY (tenant_id, location_id)
          REFERENCES location (tenant_id, id)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_appointment_tenant_ehr_appointment ON appointment (tenant_id, ehr_appointment_id)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_appointment_tenant_id ON appointment (tenant_id, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_appointment_tenant_start ON appointment (tenant_id, start_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE appointment_ehr_version (
        tenant_id text NOT NULL,
        appointment_id uuid NOT NULL,
        ehr_version text NOT NULL,
        applied_by_event_id text NOT NULL,
        applied_at timestamptz NOT NULL,
        CONSTRAINT pk_appointment_ehr_version PRIMARY KEY (tenant_id, appointment_id, ehr_version),
        CONSTRAINT fk_appointment_ehr_version_appointment FOREIGN KEY (tenant_id, appointment_id)
          REFERENCES appointment (tenant_id, id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE appointment_ehr_version`);
    await queryRunner.query(`DROP TABLE appointment`);
    await queryRunner.query(`DROP TABLE location`);
    await queryRunner.query(`DROP TABLE provider`);
    await queryRunner.query(`DROP TABLE patient`);
  }
}
