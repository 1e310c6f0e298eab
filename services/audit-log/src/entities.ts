import { CreateInboxEvent1764201600001, InboxEventEntity } from '@caredispatch/kafka';

import { AuditChainHeadEntity } from './audit-events/audit-chain-head.entity';
import { AuditEventEntity } from './audit-events/audit-event.entity';
import { CreateAuditEventLog1767000000000 } from './migrations/1767000000000-CreateAuditEventLog';

// The audit log only consumes: it needs the inbox, not the outbox.
export const auditLogEntities = [InboxEventEntity, AuditEventEntity, AuditChainHeadEntity];

export const auditLogMigrations = [CreateInboxEvent1764201600001, CreateAuditEventLog1767000000000];
