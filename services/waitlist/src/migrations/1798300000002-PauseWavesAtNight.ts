import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { applyTenantIsolation, revertTenantIsolation } from '@caredispatch/kafka';

import { WaitlistJobs } from '../slots/waitlist-jobs';

/**
 * Waves wait for the morning: a slot whose next wave fell in the night records when it may go
 * (`waves_paused_until`), and the wave-resume job finds such slots across tenants (slot and
 * tenant ids only, SELECT) — each then moves in its tenant's transaction. The policies on
 * freed_slot are rebuilt with that one job grant.
 */
export class PauseWavesAtNight1798300000002 implements MigrationInterface {
  name = 'PauseWavesAtNight1798300000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE freed_slot ADD COLUMN waves_paused_until timestamptz`);
    await queryRunner.query(
      `CREATE INDEX ix_freed_slot_paused ON freed_slot (waves_paused_until) WHERE status = 'offering' AND waves_paused_until IS NOT NULL`,
    );
    await revertTenantIsolation(queryRunner, [{ table: 'freed_slot' }]);
    await applyTenantIsolation(queryRunner, [
      { table: 'freed_slot', jobs: { [WaitlistJobs.WaveResume]: ['SELECT'] } },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, [{ table: 'freed_slot' }]);
    await applyTenantIsolation(queryRunner, [{ table: 'freed_slot' }]);
    await queryRunner.query(`DROP INDEX ix_freed_slot_paused`);
    await queryRunner.query(`ALTER TABLE freed_slot DROP COLUMN waves_paused_until`);
  }
}
