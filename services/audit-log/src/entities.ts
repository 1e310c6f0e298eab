import { type ServiceDatabase } from '@caredispatch/platform';

import { AuditChainHeadEntity } from './audit-events/audit-chain-head.entity';
import { AuditEventEntity } from './audit-events/audit-event.entity';
import { auditLogPrivileges } from './audit-events/audit-log-privileges';
import { CreateAuditEventLog1767000000000 } from './migrations/1767000000000-CreateAuditEventLog';
import { IsolateAuditTenants1767300000000 } from './migrations/1767300000000-IsolateAuditTenants';

/** The service's own tables; the inbox comes with ServiceInfrastructureModule (no outbox: it only consumes). */
export const auditLogEntities = [AuditEventEntity, AuditChainHeadEntity];

export const auditLogMigrations = [
  CreateAuditEventLog1767000000000,
  IsolateAuditTenants1767300000000,
];

/** What the migrate step builds and the runtime role may use. */
export const auditLogDatabase: ServiceDatabase = {
  entities: auditLogEntities,
  migrations: auditLogMigrations,
  produces: false,
  consumes: true,
  runtimePrivileges: auditLogPrivileges,
};
