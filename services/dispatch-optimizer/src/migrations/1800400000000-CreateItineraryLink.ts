import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The links of SMS itineraries (itinerary-page/itinerary-link.entity.ts). */
export class CreateItineraryLink1800400000000 implements MigrationInterface {
  name = 'CreateItineraryLink1800400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE itinerary_link (
         delivery_id uuid NOT NULL,
         tenant_id text NOT NULL,
         token_digest bytea NOT NULL,
         plan_id text NOT NULL,
         plan_version integer NOT NULL,
         provider_id text NOT NULL,
         days text[] NOT NULL,
         expires_at timestamptz NOT NULL,
         created_at timestamptz NOT NULL,
         CONSTRAINT pk_itinerary_link PRIMARY KEY (delivery_id))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_itinerary_link_token_digest ON itinerary_link (token_digest)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE itinerary_link`);
  }
}
