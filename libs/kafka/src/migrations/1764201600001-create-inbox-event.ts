import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates `inbox_event` (see InboxEventEntity). Schema must stay identical to the entity. */
export class CreateInboxEvent1764201600001 implements MigrationInterface {
  name = 'CreateInboxEvent1764201600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "inbox_event" (
        "consumer_group" character varying(255) NOT NULL,
        "event_id" uuid NOT NULL,
        "topic" character varying(249) NOT NULL,
        "partition" integer NOT NULL,
        "offset" bigint NOT NULL,
        "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_inbox_event" PRIMARY KEY ("consumer_group", "event_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_inbox_event_processed_at" ON "inbox_event" ("processed_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "inbox_event"`);
  }
}
