import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates `phi_data_key` (see PhiDataKeyEntity). Schema must stay identical to the entity. */
export class CreatePhiDataKey1764201700000 implements MigrationInterface {
  name = 'CreatePhiDataKey1764201700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "phi_data_key" (
        "id" uuid NOT NULL,
        "tenant_id" text NOT NULL,
        "period" text NOT NULL,
        "kek_id" text NOT NULL,
        "wrapped_key" bytea NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "rewrapped_at" TIMESTAMP WITH TIME ZONE,
        "retired_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_phi_data_key" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_phi_data_key_tenant_period" ON "phi_data_key" ("tenant_id", "period") WHERE retired_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX "ix_phi_data_key_kek" ON "phi_data_key" ("kek_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "phi_data_key"`);
  }
}
