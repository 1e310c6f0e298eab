import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  applyTenantIsolation,
  revertTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

const TABLES: readonly TenantIsolation[] = [{ table: 'dispatch_ehr_assignment_request' }];

/**
 * EHR write-back of plan assignments (off per tenant until its settings switch it on): the
 * EHR's ids of each appointment and of the practitioner it is booked with (as scheduling last
 * told), and per appointment the practitioner dispatch last asked ehr-gateway to write, so a
 * later plan asks again only when its assignment differs from what was asked.
 */
export class WriteAssignmentsBackToEhr1800300000001 implements MigrationInterface {
  name = 'WriteAssignmentsBackToEhr1800300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE dispatch_tenant_settings ADD COLUMN ehr_write_back boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(
      `ALTER TABLE dispatch_appointment
         ADD COLUMN ehr_appointment_id text NOT NULL DEFAULT '',
         ADD COLUMN booked_ehr_practitioner_id text NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(
      `CREATE TABLE dispatch_ehr_assignment_request (
         tenant_id text NOT NULL,
         appointment_id uuid NOT NULL,
         ehr_practitioner_id text NOT NULL,
         booked_ehr_practitioner_id text NOT NULL,
         plan_id uuid NOT NULL,
         plan_version integer NOT NULL,
         requested_at timestamptz NOT NULL,
         CONSTRAINT pk_dispatch_ehr_assignment_request PRIMARY KEY (tenant_id, appointment_id)
       )`,
    );
    await applyTenantIsolation(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, TABLES);
    await queryRunner.query(`DROP TABLE dispatch_ehr_assignment_request`);
    await queryRunner.query(
      `ALTER TABLE dispatch_appointment
         DROP COLUMN booked_ehr_practitioner_id, DROP COLUMN ehr_appointment_id`,
    );
    await queryRunner.query(`ALTER TABLE dispatch_tenant_settings DROP COLUMN ehr_write_back`);
  }
}
