import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The append-only audit log. The trigger is the enforcement: even a bug or an operator with
 * the service's credentials cannot UPDATE, DELETE or TRUNCATE audit_event. (Only a role that
 * can disable triggers — the table owner or a superuser — could; production should run the
 * service as a role granted INSERT/SELECT only, with migrations run by a separate owner.)
 * The hash chain then makes any change made around the trigger detectable.
 */
export class CreateAuditEventLog1767000000000 implements MigrationInterface {
  name = 'CreateAuditEventLog1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_event (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        sequence bigint NOT NULL CONSTRAINT ck_audit_event_sequence CHECK (sequence > 0),
        event_id text NOT NULL,
        event_type text NOT NULL,
        event_version integer NOT NULL,
        topic text NOT NULL,
        "partition" integer NOT NULL,
        "offset" bigint NOT NULL,
        producer text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        correlation_id text NOT NULL,
        causation_id text,
        aggregate_id text NOT NULL,
        ehr_appointment_id text,
        appointment_id text,
        trace_id text,
        payload jsonb NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_audit_event_event_id ON audit_event (event_id)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_audit_event_tenant_sequence ON audit_event (tenant_id, sequence)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_audit_event_tenant_appointment ON audit_event (tenant_id, appointment_id)
         WHERE appointment_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_audit_event_tenant_ehr_appointment ON audit_event (tenant_id, ehr_appointment_id)
         WHERE ehr_appointment_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_audit_event_tenant_correlation ON audit_event (tenant_id, correlation_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE audit_chain_head (
        tenant_id text PRIMARY KEY,
        sequence bigint NOT NULL,
        last_hash text NOT NULL,
        updated_at timestamptz NOT NULL
      )`);

    await queryRunner.query(`
      CREATE FUNCTION audit_event_reject_mutation() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER trg_audit_event_append_only
        BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_reject_mutation()`);
    await queryRunner.query(`
      CREATE TRIGGER trg_audit_event_no_truncate
        BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_reject_mutation()`);
  }

  down(): Promise<void> {
    // Deliberately irreversible: reverting would drop the audit history with the table.
    return Promise.reject(
      new Error('CreateAuditEventLog cannot be reverted: the audit log is append-only'),
    );
  }
}
