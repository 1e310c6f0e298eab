import { disableTenantIsolation, enableTenantIsolation } from '../tenancy/row-level-security';
import { KafkaJobs } from '../tenancy/transaction-scope';

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox holds full event payloads (PHI), so it is tenant-scoped: a request or a consumer
 * appends rows of its own tenant only. The relay reads and marks rows of every tenant and
 * retention deletes published ones; each does so under its own job name, on this table only.
 * `outbox_unpark` (an operator's tool) works as the relay. The inbox holds event ids and
 * offsets only and stays unscoped.
 */
const OUTBOX = {
  table: 'outbox_message',
  jobs: {
    [KafkaJobs.OutboxRelay]: ['SELECT', 'UPDATE'],
    [KafkaJobs.Retention]: ['SELECT', 'DELETE'],
    // Re-encrypts payloads under the newest data key (services that store PHI).
    [KafkaJobs.PhiKeyMaintenance]: ['SELECT', 'UPDATE'],
  },
} as const;

export class IsolateOutboxTenants1764201600003 implements MigrationInterface {
  name = 'IsolateOutboxTenants1764201600003';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of enableTenantIsolation(OUTBOX)) await queryRunner.query(statement);
    await queryRunner.query(unparkFunction(true));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(unparkFunction(false));
    for (const statement of disableTenantIsolation(OUTBOX)) await queryRunner.query(statement);
  }
}

function unparkFunction(asRelay: boolean): string {
  const scope = asRelay ? `PERFORM set_config('app.job', '${KafkaJobs.OutboxRelay}', true);` : '';
  return `CREATE OR REPLACE FUNCTION outbox_unpark(ids uuid[] DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE unparked integer;
    BEGIN
      ${scope}
      UPDATE outbox_message SET parked_at = NULL, failed_attempts = 0
       WHERE parked_at IS NOT NULL AND published_at IS NULL AND (ids IS NULL OR id = ANY(ids));
      GET DIAGNOSTICS unparked = ROW_COUNT;
      IF unparked > 0 THEN PERFORM pg_notify('outbox_message', ''); END IF;
      RETURN unparked;
    END $$`;
}
