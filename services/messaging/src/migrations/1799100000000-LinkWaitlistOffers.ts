import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Waitlist offers carry a one-tap accept link (issue 11): the same `patient_link` rows, tokens,
 * digests and job policy as appointment links, told apart by `purpose`. An offer link's
 * `appointment_id` is the offer id (as the offer's `message` row has it) and it expires when
 * the hold does. The table is already under row-level security (1796100000001); no new grant.
 */
export class LinkWaitlistOffers1799100000000 implements MigrationInterface {
  name = 'LinkWaitlistOffers1799100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "patient_link" ADD "purpose" text NOT NULL DEFAULT 'appointment'`,
    );
    await queryRunner.query(
      `ALTER TABLE "patient_link" ADD CONSTRAINT "ck_patient_link_purpose"
         CHECK ("purpose" IN ('appointment', 'waitlist_offer'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "patient_link" DROP CONSTRAINT "ck_patient_link_purpose"`);
    await queryRunner.query(`ALTER TABLE "patient_link" DROP COLUMN "purpose"`);
  }
}
