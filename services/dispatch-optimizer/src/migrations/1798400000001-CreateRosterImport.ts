import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  applyTenantIsolation,
  revertTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

/**
 * Roster import from the EHR (FHIR Practitioner / PractitionerRole through ehr-gateway):
 * - each provider's EHR practitioner id and what the import last wrote into it (the field
 *   ownership rule of docs/roster-import.md);
 * - the tenant's mapping of EHR codes to credential codes and defaults for new providers;
 * - one row per import with its outcome and warnings.
 * Both new tables are tenant-scoped under forced row-level security; no job reads them.
 */
const TABLES: readonly TenantIsolation[] = [
  { table: 'dispatch_roster_import' },
  { table: 'dispatch_roster_import_mapping' },
];

export class CreateRosterImport1798400000001 implements MigrationInterface {
  name = 'CreateRosterImport1798400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE dispatch_provider ADD COLUMN ehr_practitioner_id text, ADD COLUMN ehr_import jsonb`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_dispatch_provider_ehr_practitioner
         ON dispatch_provider (tenant_id, ehr_practitioner_id)`,
    );
    await queryRunner.query(
      `CREATE TABLE dispatch_roster_import (
         tenant_id text NOT NULL,
         import_id uuid NOT NULL,
         status text NOT NULL,
         requested_at timestamptz NOT NULL,
         completed_at timestamptz,
         failure_reason text,
         summary jsonb,
         CONSTRAINT pk_dispatch_roster_import PRIMARY KEY (tenant_id, import_id),
         CONSTRAINT chk_dispatch_roster_import_status
           CHECK (status IN ('requested', 'completed', 'failed')))`,
    );
    await queryRunner.query(
      `CREATE TABLE dispatch_roster_import_mapping (
         tenant_id text NOT NULL,
         qualifications jsonb NOT NULL,
         default_weekly_availability jsonb NOT NULL,
         max_hours_per_day double precision NOT NULL,
         max_hours_per_week double precision NOT NULL,
         updated_at timestamptz NOT NULL,
         CONSTRAINT pk_dispatch_roster_import_mapping PRIMARY KEY (tenant_id))`,
    );
    await applyTenantIsolation(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, TABLES);
    await queryRunner.query(`DROP TABLE dispatch_roster_import_mapping`);
    await queryRunner.query(`DROP TABLE dispatch_roster_import`);
    await queryRunner.query(`DROP INDEX uq_dispatch_provider_ehr_practitioner`);
    await queryRunner.query(
      `ALTER TABLE dispatch_provider DROP COLUMN ehr_import, DROP COLUMN ehr_practitioner_id`,
    );
  }
}
