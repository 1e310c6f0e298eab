import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { disableTenantIsolation, enableTenantIsolation } from '@caredispatch/kafka';

const PURPOSES = ['confirmation', 'reminder', 'reply', 'waitlist_offer'];

/**
 * "We need to reschedule" texts (issue 12, call-outs):
 * - `message.purpose` gains `reschedule_needed`. Not added to the inbound-sms match policy: a
 *   reply to it is matched to the visit's confirmation or reminder, as before.
 * - `reschedule_text`: one row per (appointment, booked start) dispatch-optimizer said can no
 *   longer be kept. It holds a request that arrived before messaging knew the appointment until
 *   the booking does, and makes a re-announced request (a later re-plan) a no-op. Ids and a
 *   time only. Per tenant (row-level security), only used in the tenant's transaction.
 */
export class TextRescheduleNeeded1799600000000 implements MigrationInterface {
  name = 'TextRescheduleNeeded1799600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.setPurposes(queryRunner, [...PURPOSES, 'reschedule_needed']);
    await queryRunner.query(`
      CREATE TABLE reschedule_text (
        tenant_id text NOT NULL,
        appointment_id uuid NOT NULL,
        appointment_start timestamptz NOT NULL,
        state text NOT NULL,
        message_id uuid,
        correlation_id text NOT NULL,
        event_id text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_reschedule_text PRIMARY KEY (tenant_id, appointment_id, appointment_start),
        CONSTRAINT ck_reschedule_text_state CHECK (state IN ('pending', 'queued', 'closed'))
      )`);
    for (const statement of enableTenantIsolation({ table: 'reschedule_text' })) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of disableTenantIsolation({ table: 'reschedule_text' })) {
      await queryRunner.query(statement);
    }
    await queryRunner.query(`DROP TABLE reschedule_text`);
    await queryRunner.query(`DELETE FROM message WHERE purpose = 'reschedule_needed'`);
    await this.setPurposes(queryRunner, PURPOSES);
  }

  private async setPurposes(queryRunner: QueryRunner, purposes: readonly string[]) {
    await queryRunner.query(`ALTER TABLE message DROP CONSTRAINT ck_message_purpose`);
    await queryRunner.query(
      `ALTER TABLE message ADD CONSTRAINT ck_message_purpose CHECK (purpose IN (${purposes
        .map((purpose) => `'${purpose}'`)
        .join(', ')}))`,
    );
  }
}
