import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  applyTenantIsolation,
  revertTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

/**
 * Tenants' reminder template overrides (per channel, appointment type, language and template
 * name), replaced through the admin API. Under forced row-level security with no job: the admin
 * API and the consumer's planning read them only in the tenant's own transaction.
 */
const ISOLATED: readonly TenantIsolation[] = [{ table: 'reminder_template_override' }];

export class StoreReminderTemplateOverrides1798100000001 implements MigrationInterface {
  name = 'StoreReminderTemplateOverrides1798100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reminder_template_override (
        tenant_id text NOT NULL,
        channel text NOT NULL,
        appointment_type text NOT NULL,
        language text NOT NULL,
        name text NOT NULL,
        template jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        CONSTRAINT pk_reminder_template_override
          PRIMARY KEY (tenant_id, channel, appointment_type, language, name),
        CONSTRAINT ck_reminder_template_override_channel CHECK (channel IN ('sms', 'email'))
      )`);
    await applyTenantIsolation(queryRunner, ISOLATED);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, ISOLATED);
    await queryRunner.query(`DROP TABLE reminder_template_override`);
  }
}
