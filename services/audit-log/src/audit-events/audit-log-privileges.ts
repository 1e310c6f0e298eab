import { MIGRATIONS_TABLE, type RuntimePrivileges } from '@caredispatch/platform';

/**
 * audit-log's runtime role appends and reads, nothing else: no UPDATE, DELETE or TRUNCATE on
 * any audit table (new tables included, by default), and as a non-owner no ALTER or DROP. The
 * one exception is DELETE on inbox_event, the processed-event ids that inbox retention expires.
 */
export const auditLogPrivileges: RuntimePrivileges = (table) => {
  if (table === MIGRATIONS_TABLE) return ['SELECT'];
  if (table === 'inbox_event') return ['SELECT', 'INSERT', 'DELETE'];
  return ['SELECT', 'INSERT'];
};
