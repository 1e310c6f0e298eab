import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  applyTenantIsolation,
  revertTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { RosterImportJobs } from '../roster/roster-import-jobs';

/**
 * Roster imports from the EHR (FHIR Practitioner / PractitionerRole): the durable job table,
 * under forced row-level security. The consumer stages a job in the request's tenant; the
 * relay claims due jobs across tenants (read and lease) and finishes each in its tenant.
 */
const TABLES: readonly TenantIsolation[] = [
  {
    table: 'ehr_roster_import_job',
    jobs: { [RosterImportJobs.Relay]: ['SELECT', 'UPDATE'] },
  },
];

export class CreateRosterImportJob1798400000000 implements MigrationInterface {
  name = 'CreateRosterImportJob1798400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "ehr_roster_import_job" (
         "tenant_id" character varying(100) NOT NULL,
         "import_id" uuid NOT NULL,
         "request_event_id" uuid NOT NULL,
         "correlation_id" uuid NOT NULL,
         "status" character varying(16) NOT NULL DEFAULT 'pending',
         "attempts" integer NOT NULL DEFAULT 0,
         "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         "lease_until" TIMESTAMP WITH TIME ZONE,
         "last_error" character varying(200),
         "last_http_status" integer,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         "completed_at" TIMESTAMP WITH TIME ZONE,
         CONSTRAINT "CHK_ehr_roster_import_job_status" CHECK ("status" IN ('pending', 'succeeded', 'failed')),
         CONSTRAINT "PK_ehr_roster_import_job" PRIMARY KEY ("tenant_id", "import_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ehr_roster_import_job_due" ON "ehr_roster_import_job" ("status", "next_attempt_at")`,
    );
    await applyTenantIsolation(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, TABLES);
    await queryRunner.query(`DROP TABLE "ehr_roster_import_job"`);
  }
}
