import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets the relay park a row it can never publish (see OutboxRelay) instead of re-selecting it
 * first forever, and gives retention a cheap way to find old published rows.
 *
 * `outbox_unpark(ids)` puts parked rows (all of them when `ids` is NULL) back in the queue
 * and wakes the relay; it returns how many rows it unparked.
 */
export class ParkOutboxMessage1764201600002 implements MigrationInterface {
  name = 'ParkOutboxMessage1764201600002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "outbox_message"
         ADD "failed_attempts" integer NOT NULL DEFAULT '0',
         ADD "parked_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_outbox_message_parked_key" ON "outbox_message" ("topic", "message_key", "seq") WHERE parked_at IS NOT NULL AND published_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_outbox_message_published_at" ON "outbox_message" ("published_at") WHERE published_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE FUNCTION outbox_unpark(ids uuid[] DEFAULT NULL) RETURNS integer
       LANGUAGE plpgsql AS $$
       DECLARE unparked integer;
       BEGIN
         UPDATE outbox_message SET parked_at = NULL, failed_attempts = 0
          WHERE parked_at IS NOT NULL AND published_at IS NULL AND (ids IS NULL OR id = ANY(ids));
         GET DIAGNOSTICS unparked = ROW_COUNT;
         IF unparked > 0 THEN PERFORM pg_notify('outbox_message', ''); END IF;
         RETURN unparked;
       END $$`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION outbox_unpark(uuid[])`);
    await queryRunner.query(`DROP INDEX "IDX_outbox_message_published_at"`);
    await queryRunner.query(`DROP INDEX "IDX_outbox_message_parked_key"`);
    await queryRunner.query(
      `ALTER TABLE "outbox_message" DROP COLUMN "parked_at", DROP COLUMN "failed_attempts"`,
    );
  }
}
