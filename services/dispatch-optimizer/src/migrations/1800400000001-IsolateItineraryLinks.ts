import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  applyTenantIsolation,
  JOB_SETTING,
  revertTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { DispatchJobs, ITINERARY_LINK_DIGEST_SETTING } from '../tenancy';

/**
 * Row-level security on `itinerary_link` (1800400000000): the deliverer writes a link in its
 * delivery's tenant; the page works in the tenant its token resolved to. The token names no
 * tenant, so the lookup is the `dispatch-itinerary-link` job, narrower than any grant of
 * applyTenantIsolation: it may SELECT the one row whose digest the transaction itself sets,
 * and nothing else (messaging's patient links, 1796100000001, do the same).
 */
const TABLES: readonly TenantIsolation[] = [{ table: 'itinerary_link' }];

const LOOKUP_POLICY = {
  name: 'itinerary_link_lookup ON itinerary_link',
  sql: `CREATE POLICY itinerary_link_lookup ON itinerary_link FOR SELECT
          USING (NULLIF(current_setting('${JOB_SETTING}', true), '') = '${DispatchJobs.ItineraryLink}'
                 AND token_digest = decode(NULLIF(current_setting('${ITINERARY_LINK_DIGEST_SETTING}', true), ''), 'hex'))`,
};

export class IsolateItineraryLinks1800400000001 implements MigrationInterface {
  name = 'IsolateItineraryLinks1800400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await applyTenantIsolation(queryRunner, TABLES);
    await queryRunner.query(LOOKUP_POLICY.sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY IF EXISTS ${LOOKUP_POLICY.name}`);
    await revertTenantIsolation(queryRunner, TABLES);
  }
}
