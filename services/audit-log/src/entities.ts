import { AuditChainHeadEntity } from './audit-events/audit-chain-head.entity';
import { AuditEventEntity } from './audit-events/audit-event.entity';
import { CreateAuditEventLog1767000000000 } from './migrations/1767000000000-CreateAuditEventLog';
import { AddAuditMerkleTree1767200000000 } from './migrations/1767200000000-AddAuditMerkleTree';
import { AuditEventLeafEntity } from './tree-heads/audit-event-leaf.entity';
import { AuditTreeHeadEntity } from './tree-heads/audit-tree-head.entity';

/** The service's own tables; the inbox and outbox come with ServiceInfrastructureModule. */
export const auditLogEntities = [
  AuditEventEntity,
  AuditChainHeadEntity,
  AuditEventLeafEntity,
  AuditTreeHeadEntity,
];

export const auditLogMigrations = [
  CreateAuditEventLog1767000000000,
  AddAuditMerkleTree1767200000000,
];
