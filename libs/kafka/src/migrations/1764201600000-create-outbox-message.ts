import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates `outbox_message` (see OutboxMessageEntity). Schema must stay identical to the entity. */
export class CreateOutboxMessage1764201600000 implements MigrationInterface {
  name = 'CreateOutboxMessage1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "outbox_message" (
        "id" uuid NOT NULL,
        "seq" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "tenant_id" character varying(100) NOT NULL,
        "topic" character varying(249) NOT NULL,
        "message_key" character varying(255) NOT NULL,
        "event_id" uuid NOT NULL,
        "event_type" character varying(100) NOT NULL,
        "payload" bytea NOT NULL,
        "headers" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "published_at" TIMESTAMP WITH TIME ZONE,
        "attempts" integer NOT NULL DEFAULT '0',
        "last_error" text,
        CONSTRAINT "PK_outbox_message" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_outbox_message_unpublished_seq" ON "outbox_message" ("seq") WHERE published_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_outbox_message_event_id" ON "outbox_message" ("event_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "outbox_message"`);
  }
}
