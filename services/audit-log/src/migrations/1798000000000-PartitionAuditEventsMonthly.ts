import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { enableTenantIsolation } from '@caredispatch/kafka';

import { AuditJobs } from '../audit-events/audit-jobs';
import {
  AUDIT_PARTITION_MONTHS_AHEAD,
  MINIMUM_RETENTION_MONTHS,
} from '../retention/retention-policy';

const COLUMNS = `id, tenant_id, sequence, event_id, event_type, event_version, topic, "partition",
  "offset", producer, occurred_at, recorded_at, correlation_id, causation_id, aggregate_id,
  ehr_appointment_id, appointment_id, trace_id, payload, prev_hash, hash`;

/**
 * audit_event becomes a table RANGE-partitioned by month on recorded_at (UTC), so events older
 * than the retention can be archived and removed a month at a time instead of never.
 *
 * - Rows are copied unchanged (same ids, hashes, sequences): the hash chain and the Merkle
 *   leaves, which live in audit_event_leaf and stay unpartitioned, are untouched.
 * - A partitioned table cannot hold a unique index without its partition key, so the two
 *   uniqueness rules move to the leaf written in the same transaction: pk_audit_event_leaf
 *   (tenant, sequence) already, and now ux_audit_event_leaf_event_id (exactly once per event).
 * - Partitions are made by audit_ensure_partitions (SECURITY DEFINER, owned by this owner
 *   role): the migration and the service's maintenance job call it; the runtime role may only
 *   execute it, never create tables itself. audit_event_default catches a row whose month is
 *   missing, so no insert can fail for want of a partition.
 * - The append-only triggers move to the new table (row triggers are cloned onto every
 *   partition); each partition also gets its own TRUNCATE trigger, since statement triggers
 *   are not cloned. The removal guard for partitions younger than the retention (DROP,
 *   DETACH, disabling triggers) needs event triggers, which only a superuser can create:
 *   see installRetentionGuard and the README.
 * - Row-level security is re-applied to the parent. Partitions carry no policies and the
 *   runtime role gets no privilege on them (grantRuntimePrivileges): it can only go through
 *   the parent, whose policies hold.
 * - audit_archived_range records, per tenant, the prefix of its log that an archive holds.
 * - audit_retention_policy records the retention in months (at least 72): the largest row
 *   wins, so it can only grow. The archiver reads leaves and heads across tenants through
 *   policies that apply to the owner role only.
 */
export class PartitionAuditEventsMonthly1798000000000 implements MigrationInterface {
  name = 'PartitionAuditEventsMonthly1798000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string): Promise<unknown> => queryRunner.query(sql);
    await q(`ALTER TABLE audit_event RENAME TO audit_event_unpartitioned`);
    // The owner is subject to FORCEd row-level security: without this the copy would see nothing.
    await q(`ALTER TABLE audit_event_unpartitioned NO FORCE ROW LEVEL SECURITY`);
    await q(`ALTER TABLE audit_event_unpartitioned DISABLE ROW LEVEL SECURITY`);
    for (const index of [
      'ux_audit_event_event_id',
      'ux_audit_event_tenant_sequence',
      'ix_audit_event_tenant_appointment',
      'ix_audit_event_tenant_ehr_appointment',
      'ix_audit_event_tenant_correlation',
    ]) {
      await q(`DROP INDEX ${index}`);
    }

    await q(`
      CREATE TABLE audit_event (
        id uuid NOT NULL,
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
        hash text NOT NULL,
        CONSTRAINT pk_audit_event PRIMARY KEY (id, recorded_at)
      ) PARTITION BY RANGE (recorded_at)`);
    await q(`CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT`);

    await q(`
      CREATE FUNCTION audit_partition_name(month timestamptz) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT 'audit_event_p' || to_char(month AT TIME ZONE 'UTC', 'YYYYMM')
      $$`);
    await q(`
      CREATE FUNCTION audit_create_partitions(first_month timestamptz, last_month timestamptz)
      RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
      DECLARE
        month timestamptz := date_trunc('month', first_month);
        name text;
        created integer := 0;
      BEGIN
        WHILE month <= date_trunc('month', last_month) LOOP
          name := audit_partition_name(month);
          IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
                           name, month, month + interval '1 month');
            EXECUTE format('CREATE TRIGGER trg_audit_event_no_truncate BEFORE TRUNCATE ON %I
                            FOR EACH STATEMENT EXECUTE FUNCTION audit_event_reject_mutation()', name);
            created := created + 1;
          END IF;
          month := month + interval '1 month';
        END LOOP;
        RETURN created;
      END
      $$`);
    // What the service may call: this month and the next few, never anything else.
    await q(`
      CREATE FUNCTION audit_ensure_partitions(months_ahead integer) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF months_ahead < 0 OR months_ahead > 24 THEN
          RAISE EXCEPTION 'months_ahead must be within 0..24, not %', months_ahead;
        END IF;
        RETURN audit_create_partitions(now(), now() + make_interval(months => months_ahead));
      END
      $$`);
    await q(`REVOKE ALL ON FUNCTION audit_create_partitions(timestamptz, timestamptz) FROM PUBLIC`);

    // Every month the existing rows span, then the months ahead.
    await q(`
      SELECT audit_create_partitions(COALESCE(min(recorded_at), now()), now())
        FROM audit_event_unpartitioned`);
    await q(`SELECT audit_ensure_partitions(${AUDIT_PARTITION_MONTHS_AHEAD})`);
    await q(
      `INSERT INTO audit_event (${COLUMNS}) SELECT ${COLUMNS} FROM audit_event_unpartitioned`,
    );
    await q(`DROP TABLE audit_event_unpartitioned`);

    await q(`CREATE INDEX ix_audit_event_event_id ON audit_event (event_id)`);
    await q(`CREATE INDEX ix_audit_event_tenant_sequence ON audit_event (tenant_id, sequence)`);
    await q(`CREATE INDEX ix_audit_event_tenant_appointment ON audit_event (tenant_id, appointment_id)
               WHERE appointment_id IS NOT NULL`);
    await q(`CREATE INDEX ix_audit_event_tenant_ehr_appointment ON audit_event (tenant_id, ehr_appointment_id)
               WHERE ehr_appointment_id IS NOT NULL`);
    await q(
      `CREATE INDEX ix_audit_event_tenant_correlation ON audit_event (tenant_id, correlation_id)`,
    );
    await q(`CREATE UNIQUE INDEX ux_audit_event_leaf_event_id ON audit_event_leaf (event_id)`);

    await q(`
      CREATE TRIGGER trg_audit_event_append_only
        BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_reject_mutation()`);
    await q(`
      CREATE TRIGGER trg_audit_event_no_truncate
        BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_reject_mutation()`);
    await q(`
      CREATE TRIGGER trg_audit_event_no_truncate
        BEFORE TRUNCATE ON audit_event_default
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_reject_mutation()`);
    for (const statement of enableTenantIsolation({
      table: 'audit_event',
      jobs: { [AuditJobs.TreeHeadSigner]: ['SELECT'] },
    })) {
      await q(statement);
    }

    await q(`
      CREATE TABLE audit_retention_policy (
        id uuid PRIMARY KEY,
        retention_months integer NOT NULL
          CONSTRAINT ck_audit_retention_policy_months CHECK (retention_months >= ${MINIMUM_RETENTION_MONTHS}),
        set_at timestamptz NOT NULL
      )`);
    await q(`INSERT INTO audit_retention_policy (id, retention_months, set_at)
             VALUES (gen_random_uuid(), ${MINIMUM_RETENTION_MONTHS}, now())`);
    await q(`
      CREATE TRIGGER trg_audit_retention_policy_append_only
        BEFORE UPDATE OR DELETE ON audit_retention_policy
        FOR EACH ROW EXECUTE FUNCTION audit_reject_mutation()`);
    await q(`
      CREATE TRIGGER trg_audit_retention_policy_no_truncate
        BEFORE TRUNCATE ON audit_retention_policy
        FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_mutation()`);
    // The start of the oldest month that must be kept: a partition ending on or before it is
    // entirely older than the retention. Never less than six years, whatever the table says.
    await q(`
      CREATE FUNCTION audit_retention_cutoff() RETURNS timestamptz
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT date_trunc('month', (now() AT TIME ZONE 'UTC') - make_interval(months =>
                 GREATEST(${MINIMUM_RETENTION_MONTHS}, COALESCE(max(retention_months), 0))))
               AT TIME ZONE 'UTC'
          FROM audit_retention_policy
      $$`);

    // Which prefix of each tenant's log went to which archive: the chain check starts after
    // it, from its last hash. Written by the archiver in the transaction that drops the month.
    await q(`
      CREATE TABLE audit_archived_range (
        tenant_id text NOT NULL,
        last_sequence bigint NOT NULL,
        first_sequence bigint NOT NULL,
        last_hash text NOT NULL,
        partition_name text NOT NULL,
        archive_location text NOT NULL,
        archived_at timestamptz NOT NULL,
        CONSTRAINT pk_audit_archived_range PRIMARY KEY (tenant_id, last_sequence)
      )`);
    await q(`
      CREATE TRIGGER trg_audit_archived_range_append_only
        BEFORE UPDATE OR DELETE ON audit_archived_range
        FOR EACH ROW EXECUTE FUNCTION audit_reject_mutation()`);
    await q(`
      CREATE TRIGGER trg_audit_archived_range_no_truncate
        BEFORE TRUNCATE ON audit_archived_range
        FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_mutation()`);
    for (const statement of enableTenantIsolation({ table: 'audit_archived_range' })) {
      await q(statement);
    }

    // The archiver (run as this owner role, never as the service) reads every tenant's bounds,
    // leaves and heads and records what it archived; TO CURRENT_USER keeps these policies away
    // from the runtime role.
    const archiver = `current_setting('app.job', true) = '${AuditJobs.Archiver}'`;
    for (const table of [
      'audit_event',
      'audit_event_leaf',
      'audit_tree_head',
      'audit_archived_range',
    ]) {
      await q(
        `CREATE POLICY audit_archiver_select ON ${table} FOR SELECT TO CURRENT_USER USING (${archiver})`,
      );
    }
    await q(
      `CREATE POLICY audit_archiver_insert ON audit_archived_range FOR INSERT TO CURRENT_USER WITH CHECK (${archiver})`,
    );
  }

  down(): Promise<void> {
    return Promise.reject(
      new Error('PartitionAuditEventsMonthly cannot be reverted: the audit log is append-only'),
    );
  }
}
