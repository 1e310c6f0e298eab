import { MIGRATIONS_TABLE, type RuntimePrivileges } from '@caredispatch/platform';

/**
 * audit-log's runtime role appends and reads, nothing else: no UPDATE, DELETE or TRUNCATE on
 * any audit table (new tables included, by default), and as a non-owner no ALTER or DROP. The
 * exceptions are DELETE on inbox_event, the processed-event ids that inbox retention expires,
 * and UPDATE/DELETE on outbox_message, the relay's and retention's bookkeeping.
 */
export const auditLogPrivileges: RuntimePrivileges = (table) => {
  if (table === MIGRATIONS_TABLE) return ['SELECT'];
  // Raised by the owner (migrations, the archiver), never by the service.
  if (table === 'audit_retention_policy' || table === 'audit_archived_range') return ['SELECT'];
  if (table === 'inbox_event') return ['SELECT', 'INSERT', 'DELETE'];
  // Infrastructure, not audit data: the relay marks what it published and retention deletes
  // published rows (tree heads for the Kafka anchor, the compliance officer's own accesses).
  if (table === 'outbox_message') return ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
  return ['SELECT', 'INSERT'];
};
