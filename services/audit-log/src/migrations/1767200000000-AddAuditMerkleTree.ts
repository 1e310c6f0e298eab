import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The Merkle tree over each tenant's log (RFC 9162) and its signed tree heads. Both tables are
 * append-only like audit_event: the service's role only ever INSERTs and SELECTs them, and a
 * trigger refuses UPDATE, DELETE and TRUNCATE to anyone who has not disabled triggers.
 */
export class AddAuditMerkleTree1767200000000 implements MigrationInterface {
  name = 'AddAuditMerkleTree1767200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_event_leaf (
        tenant_id text NOT NULL,
        sequence bigint NOT NULL,
        event_id text NOT NULL,
        leaf_hash bytea NOT NULL CONSTRAINT ck_audit_event_leaf_hash CHECK (octet_length(leaf_hash) = 32),
        actor text NOT NULL,
        patient_ids text[] NOT NULL,
        CONSTRAINT pk_audit_event_leaf PRIMARY KEY (tenant_id, sequence)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_audit_event_leaf_tenant_actor ON audit_event_leaf (tenant_id, actor)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_audit_event_leaf_patient_ids ON audit_event_leaf USING gin (patient_ids)`,
    );

    await queryRunner.query(`
      CREATE TABLE audit_tree_head (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        tree_size bigint NOT NULL CONSTRAINT ck_audit_tree_head_size CHECK (tree_size >= 0),
        root_hash bytea NOT NULL,
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        signature bytea NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_audit_tree_head_tenant_size ON audit_tree_head (tenant_id, tree_size)`,
    );

    await queryRunner.query(`
      CREATE FUNCTION audit_reject_mutation() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of ['audit_event_leaf', 'audit_tree_head']) {
      await queryRunner.query(`
        CREATE TRIGGER trg_${table}_append_only
          BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION audit_reject_mutation()`);
      await queryRunner.query(`
        CREATE TRIGGER trg_${table}_no_truncate
          BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_mutation()`);
    }
  }

  down(): Promise<void> {
    return Promise.reject(
      new Error('AddAuditMerkleTree cannot be reverted: tree heads are append-only evidence'),
    );
  }
}
