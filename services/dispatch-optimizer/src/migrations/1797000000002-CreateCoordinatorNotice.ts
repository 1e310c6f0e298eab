import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateCoordinatorNotice1797000000002 implements MigrationInterface {
  name = 'CreateCoordinatorNotice1797000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE coordinator_notice (
         id uuid NOT NULL,
         tenant_id text NOT NULL,
         dedupe_key text NOT NULL,
         target text NOT NULL,
         content jsonb NOT NULL,
         state text NOT NULL,
         attempts integer NOT NULL DEFAULT 0,
         next_attempt_at timestamptz NOT NULL,
         lease_expires_at timestamptz,
         first_attempt_at timestamptz,
         last_error text,
         created_at timestamptz NOT NULL,
         sent_at timestamptz,
         CONSTRAINT pk_coordinator_notice PRIMARY KEY (id),
         CONSTRAINT ck_coordinator_notice_state CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
         CONSTRAINT ck_coordinator_notice_target CHECK (target IN ('slack', 'teams')))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_coordinator_notice_dedupe
         ON coordinator_notice (tenant_id, dedupe_key, target)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_coordinator_notice_queued_due ON coordinator_notice (next_attempt_at)
         WHERE state = 'queued'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_coordinator_notice_sending_lease ON coordinator_notice (lease_expires_at)
         WHERE state = 'sending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE coordinator_notice`);
  }
}
