import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  disableTenantIsolation,
  enableTenantIsolation,
  KafkaJobs,
  type TenantIsolation,
} from '@caredispatch/kafka';

const STATES = ['pending', 'queued', 'closed'];

/**
 * A reschedule request whose booking never reaches messaging no longer waits forever:
 * `reschedule_text.state` gains `expired`, and the retention job may read and update the
 * table across tenants (reschedule-texts/pending-expiry.ts; it never inserts or deletes).
 */
export class ExpirePendingRescheduleTexts1800400000002 implements MigrationInterface {
  name = 'ExpirePendingRescheduleTexts1800400000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.setStates(queryRunner, [...STATES, 'expired']);
    await this.isolate(queryRunner, true);
    await queryRunner.query(
      `CREATE INDEX ix_reschedule_text_pending ON reschedule_text (appointment_start)
         WHERE state = 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_reschedule_text_pending`);
    await this.isolate(queryRunner, false);
    await queryRunner.query(`UPDATE reschedule_text SET state = 'closed' WHERE state = 'expired'`);
    await this.setStates(queryRunner, STATES);
  }

  private async isolate(queryRunner: QueryRunner, withRetention: boolean): Promise<void> {
    const spec: TenantIsolation = withRetention
      ? { table: 'reschedule_text', jobs: { [KafkaJobs.Retention]: ['SELECT', 'UPDATE'] } }
      : { table: 'reschedule_text' };
    for (const statement of disableTenantIsolation(spec)) await queryRunner.query(statement);
    for (const statement of enableTenantIsolation(spec)) await queryRunner.query(statement);
  }

  private async setStates(queryRunner: QueryRunner, states: readonly string[]): Promise<void> {
    await queryRunner.query(`ALTER TABLE reschedule_text DROP CONSTRAINT ck_reschedule_text_state`);
    await queryRunner.query(
      `ALTER TABLE reschedule_text ADD CONSTRAINT ck_reschedule_text_state CHECK (state IN (${states
        .map((state) => `'${state}'`)
        .join(', ')}))`,
    );
  }
}
