import { AuditChainHeadEntity } from './audit-events/audit-chain-head.entity';
import { AuditEventEntity } from './audit-events/audit-event.entity';
import { CreateAuditEventLog1767000000000 } from './migrations/1767000000000-CreateAuditEventLog';

/** The service's own tables; the inbox comes with ServiceInfrastructureModule (no outbox: it only consumes). */
export const auditLogEntities = [AuditEventEntity, AuditChainHeadEntity];

export const auditLogMigrations = [CreateAuditEventLog1767000000000];
