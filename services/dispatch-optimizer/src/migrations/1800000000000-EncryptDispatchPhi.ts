import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  applyTenantIsolation,
  KafkaJobs,
  revertTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { DispatchJobs } from '../tenancy';

/** The tables this migration changes, with their policies before it. */
const BEFORE: readonly TenantIsolation[] = [
  { table: 'dispatch_appointment', jobs: { [DispatchJobs.PlanMaintenance]: ['SELECT'] } },
  { table: 'geocode_cache' },
  { table: 'dispatch_plan' },
  { table: 'dispatch_exception' },
];

/** …and after: PHI key maintenance re-encrypts the PHI columns across tenants. */
const PHI_JOB = { [KafkaJobs.PhiKeyMaintenance]: ['SELECT', 'UPDATE'] } as const;
const AFTER: readonly TenantIsolation[] = [
  {
    table: 'dispatch_appointment',
    jobs: { [DispatchJobs.PlanMaintenance]: ['SELECT'], ...PHI_JOB },
  },
  { table: 'geocode_cache' },
  { table: 'dispatch_plan', jobs: PHI_JOB },
  { table: 'dispatch_exception', jobs: PHI_JOB },
];

/** The patient part of an inputs snapshot (plan/plan-phi.ts), from its jsonb. */
const INPUTS_PHI = `jsonb_build_object(
  'appointments', COALESCE(inputs -> 'appointments', '{}'::jsonb),
  'preUnserved', COALESCE(inputs -> 'preUnserved', '[]'::jsonb),
  'locationAddresses', COALESCE(inputs -> 'locationAddresses', '[]'::jsonb))`;

/**
 * PHI at rest in dispatch-optimizer (issue 8, acceptance 5): patient display names, home
 * addresses and the plan documents holding both become ciphertext (phi/dispatch-phi.ts).
 * SQL cannot encrypt (the keys never reach the database), so this migration puts every such
 * value where the service's PHI key maintenance job encrypts it in place on its first round
 * after start-up (`columnReencryption`: anything not yet `phi1.` / 0x00 0x01 is plaintext from
 * before), as it did for the other services:
 * - `dispatch_appointment`: `address_key` (the address's blind index) is added, null on older
 *   rows — their next revision re-geocodes once (through the cache);
 * - `geocode_cache` is emptied: its keys were the addresses themselves, and a blind index
 *   cannot be computed here. Addresses are geocoded again as plans need them;
 * - `dispatch_plan.plan` becomes bytea (the JSON text until encrypted), with the days it
 *   covers in `horizon_days` for lookups; the patient part of `inputs` moves to `inputs_phi`;
 * - `dispatch_exception.detail` becomes text (the JSON text until encrypted).
 * Row-level security is lifted while the rows are rewritten (FORCE applies to the owner too)
 * and put back with the job's policies.
 * `down` restores the schema; it cannot decrypt, so it only succeeds before the job has run.
 */
export class EncryptDispatchPhi1800000000000 implements MigrationInterface {
  name = 'EncryptDispatchPhi1800000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, BEFORE);

    await queryRunner.query(`ALTER TABLE dispatch_appointment ADD COLUMN address_key text`);
    await queryRunner.query(`DELETE FROM geocode_cache`);

    await queryRunner.query(`ALTER TABLE dispatch_plan ADD COLUMN horizon_days text[]`);
    await queryRunner.query(
      `UPDATE dispatch_plan
          SET horizon_days = ARRAY(SELECT jsonb_array_elements_text(plan -> 'horizon' -> 'days'))`,
    );
    await queryRunner.query(`ALTER TABLE dispatch_plan ALTER COLUMN horizon_days SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE dispatch_plan ADD COLUMN inputs_phi bytea`);
    await queryRunner.query(
      `UPDATE dispatch_plan
          SET inputs_phi = convert_to(${INPUTS_PHI}::text, 'UTF8'),
              inputs = inputs || jsonb_build_object(
                'appointments', '{}'::jsonb, 'preUnserved', '[]'::jsonb,
                'locationAddresses', '[]'::jsonb)`,
    );
    await queryRunner.query(`ALTER TABLE dispatch_plan ALTER COLUMN inputs_phi SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE dispatch_plan ALTER COLUMN plan TYPE bytea USING convert_to(plan::text, 'UTF8')`,
    );
    // Ciphertext does not compress: pglz would only spend CPU on it.
    for (const column of ['plan', 'inputs_phi']) {
      await queryRunner.query(
        `ALTER TABLE dispatch_plan ALTER COLUMN ${column} SET STORAGE EXTERNAL`,
      );
    }

    await queryRunner.query(
      `ALTER TABLE dispatch_exception ALTER COLUMN detail TYPE text USING detail::text`,
    );

    await applyTenantIsolation(queryRunner, AFTER);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await revertTenantIsolation(queryRunner, AFTER);
    await queryRunner.query(
      `ALTER TABLE dispatch_exception ALTER COLUMN detail TYPE jsonb USING detail::jsonb`,
    );
    await queryRunner.query(
      `ALTER TABLE dispatch_plan ALTER COLUMN plan TYPE jsonb
         USING convert_from(plan, 'UTF8')::jsonb`,
    );
    await queryRunner.query(
      `UPDATE dispatch_plan SET inputs = inputs || convert_from(inputs_phi, 'UTF8')::jsonb`,
    );
    await queryRunner.query(`ALTER TABLE dispatch_plan DROP COLUMN inputs_phi`);
    await queryRunner.query(`ALTER TABLE dispatch_plan DROP COLUMN horizon_days`);
    await queryRunner.query(`ALTER TABLE dispatch_appointment DROP COLUMN address_key`);
    await applyTenantIsolation(queryRunner, BEFORE);
  }
}
