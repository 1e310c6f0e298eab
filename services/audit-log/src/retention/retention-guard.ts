/**
 * The guard that keeps even the table owner from removing audit history younger than the
 * retention. Row triggers already refuse UPDATE, DELETE and TRUNCATE; what a row trigger cannot
 * see is DDL: DROP or DETACH of a partition, DISABLE TRIGGER, dropping a trigger, turning
 * row-level security off, renaming a partition so it looks old. Those are caught by event
 * triggers, which PostgreSQL lets only a superuser create, so this is installed once per
 * database by a superuser (`audit:retention install-guard`, idempotent), after the migrations.
 *
 * It also hands the trigger functions to the superuser, so the owner cannot swap them for
 * no-ops (CREATE OR REPLACE needs ownership). The owner can still drop a partition entirely
 * older than the retention: that is what the archiver does after the archive verified.
 */
export const RETENTION_GUARD_STATEMENTS: readonly string[] = [
  `DROP EVENT TRIGGER IF EXISTS audit_retention_guard_drop`,
  `DROP EVENT TRIGGER IF EXISTS audit_retention_guard_ddl`,
  // Whether `name` is a partition (or would-be partition) that the retention still protects.
  `CREATE OR REPLACE FUNCTION audit_partition_is_protected(name text) RETURNS boolean
   LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
   DECLARE
     month timestamptz;
   BEGIN
     IF name IN ('audit_event', 'audit_event_default', 'audit_event_leaf', 'audit_tree_head',
                 'audit_retention_policy', 'audit_archived_range') THEN
       RETURN true;
     END IF;
     IF name !~ '^audit_event_p[0-9]{6}$' THEN
       RETURN false;
     END IF;
     month := (substr(name, 14, 4) || '-' || substr(name, 18, 2) || '-01 00:00:00+00')::timestamptz;
     RETURN month + interval '1 month' > audit_retention_cutoff();
   END
   $$`,
  `CREATE OR REPLACE FUNCTION audit_retention_guard_drop() RETURNS event_trigger
   LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
   DECLARE
     dropped record;
   BEGIN
     FOR dropped IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
       IF dropped.schema_name = 'public' AND dropped.object_type = 'table'
          AND audit_partition_is_protected(dropped.object_name) THEN
         RAISE EXCEPTION 'audit retention: % is younger than the retention and cannot be dropped',
           dropped.object_name USING ERRCODE = 'insufficient_privilege';
       END IF;
       IF dropped.original AND dropped.object_type IN ('trigger', 'policy', 'function')
          AND dropped.object_identity LIKE '%audit%' THEN
         RAISE EXCEPTION 'audit retention: % % guards the audit log and cannot be dropped',
           dropped.object_type, dropped.object_identity USING ERRCODE = 'insufficient_privilege';
       END IF;
     END LOOP;
   END
   $$`,
  // After any DDL: every protected partition still attached under its own name and bounds,
  // every trigger on the audit tables enabled, row-level security still forced.
  `CREATE OR REPLACE FUNCTION audit_retention_guard_ddl() RETURNS event_trigger
   LANGUAGE plpgsql SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
   DECLARE
     found record;
   BEGIN
     IF to_regclass('public.audit_event') IS NULL THEN
       RAISE EXCEPTION 'audit retention: audit_event is gone' USING ERRCODE = 'insufficient_privilege';
     END IF;
     FOR found IN
       SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname ~ '^audit_event_p[0-9]{6}$'
          AND audit_partition_is_protected(c.relname)
          AND NOT EXISTS (SELECT 1 FROM pg_inherits i
                           WHERE i.inhrelid = c.oid AND i.inhparent = 'public.audit_event'::regclass)
     LOOP
       RAISE EXCEPTION 'audit retention: % is younger than the retention and cannot be detached',
         found.relname USING ERRCODE = 'insufficient_privilege';
     END LOOP;
     FOR found IN
       SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'public.audit_event'::regclass
          AND NOT (c.relname = 'audit_event_default' AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT')
          AND NOT (c.relname ~ '^audit_event_p[0-9]{6}$' AND pg_get_expr(c.relpartbound, c.oid) =
                   format('FOR VALUES FROM (%L) TO (%L)',
                          (substr(c.relname, 14, 4) || '-' || substr(c.relname, 18, 2) || '-01 00:00:00+00'),
                          to_char((substr(c.relname, 14, 4) || '-' || substr(c.relname, 18, 2) || '-01')::date
                                  + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00'))
     LOOP
       RAISE EXCEPTION 'audit retention: partition % (%) is not named after its month', found.relname, found.bound
         USING ERRCODE = 'insufficient_privilege';
     END LOOP;
     FOR found IN
       SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND t.tgenabled NOT IN ('O', 'A') AND audit_partition_is_protected(c.relname)
     LOOP
       RAISE EXCEPTION 'audit retention: trigger % on % must stay enabled for every session', found.tgname, found.relname
         USING ERRCODE = 'insufficient_privilege';
     END LOOP;
     FOR found IN
       SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname IN ('audit_event', 'audit_event_leaf', 'audit_tree_head', 'audit_archived_range')
          AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
     LOOP
       RAISE EXCEPTION 'audit retention: row-level security on % must stay forced', found.relname
         USING ERRCODE = 'insufficient_privilege';
     END LOOP;
   END
   $$`,
  `CREATE EVENT TRIGGER audit_retention_guard_drop ON sql_drop
     EXECUTE FUNCTION audit_retention_guard_drop()`,
  `CREATE EVENT TRIGGER audit_retention_guard_ddl ON ddl_command_end
     EXECUTE FUNCTION audit_retention_guard_ddl()`,
  // Owned by the superuser from now on: the table owner can no longer replace them.
  `ALTER FUNCTION audit_event_reject_mutation() OWNER TO CURRENT_USER`,
  `ALTER FUNCTION audit_reject_mutation() OWNER TO CURRENT_USER`,
  `ALTER FUNCTION audit_retention_cutoff() OWNER TO CURRENT_USER`,
  `ALTER FUNCTION audit_partition_name(timestamptz) OWNER TO CURRENT_USER`,
];

interface SqlClient {
  query(sql: string): Promise<unknown>;
}

/** Installs (or re-installs) the guard in one transaction; `client` must be a superuser's. */
export async function installRetentionGuard(client: SqlClient): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const statement of RETENTION_GUARD_STATEMENTS) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
