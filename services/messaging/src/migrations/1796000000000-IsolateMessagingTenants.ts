import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  revertTenantIsolation,
  applyTenantIsolation,
  KafkaJobs,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { MessagingJobs } from '../message/messaging-jobs';

/**
 * Row-level security on messaging's tenant tables. The consumer works for the event's tenant;
 * the sender claims across tenants (locking, never changing, the revision rows) and the status
 * callback looks up by provider id (each then scopes to the message's tenant); retention scrubs
 * bodies of every tenant.
 * `early_status_callback` is not tenant-scoped: it holds a provider id and a status only,
 * received before anyone knows whose message it is.
 */
const TABLES: readonly TenantIsolation[] = [
  {
    table: 'message',
    jobs: {
      [MessagingJobs.Sender]: ['SELECT', 'UPDATE'],
      [MessagingJobs.TwilioStatus]: ['SELECT', 'UPDATE'],
      [KafkaJobs.Retention]: ['SELECT', 'UPDATE'],
      [KafkaJobs.PhiKeyMaintenance]: ['SELECT', 'UPDATE'],
    },
  },
  // The sender's claim holds the revision row FOR SHARE while it claims (a concurrent revision
  // waits), so it locks rows it never changes.
  { table: 'appointment_revision', jobs: { [MessagingJobs.Sender]: ['SELECT', 'LOCK'] } },
];

export class IsolateMessagingTenants1796000000000 implements MigrationInterface {
  name = 'IsolateMessagingTenants1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await applyTenantIsolation(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, TABLES);
  }
}
