import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One weekly and one nightly plan per tenant and horizon: the scheduler checks for an earlier
 * run before it starts one, but two replicas can both find none and both solve. The index lets
 * only the first store (and publish) its plan; the other's transaction rolls back. On-demand
 * runs and re-plan versions are not affected. A database where replicas already stored such a
 * twin must drop the later twin before this runs.
 */
export class OneScheduledPlanPerHorizon1799400000002 implements MigrationInterface {
  name = 'OneScheduledPlanPerHorizon1799400000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_dispatch_plan_scheduled_run ON dispatch_plan (tenant_id, kind, horizon_from)
         WHERE version = 1 AND kind IN ('weekly', 'nightly')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX uq_dispatch_plan_scheduled_run`);
  }
}
