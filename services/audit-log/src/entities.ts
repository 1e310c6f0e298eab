import { type ServiceDatabase } from '@caredispatch/platform';

import { AuditChainHeadEntity } from './audit-events/audit-chain-head.entity';
import { AuditEventEntity } from './audit-events/audit-event.entity';
import { auditLogPrivileges } from './audit-events/audit-log-privileges';
import { CreateAuditEventLog1767000000000 } from './migrations/1767000000000-CreateAuditEventLog';
import { AddAuditMerkleTree1767200000000 } from './migrations/1767200000000-AddAuditMerkleTree';
import { IsolateAuditTenants1767300000000 } from './migrations/1767300000000-IsolateAuditTenants';
import { PartitionAuditEventsMonthly1798000000000 } from './migrations/1798000000000-PartitionAuditEventsMonthly';
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
  IsolateAuditTenants1767300000000,
  PartitionAuditEventsMonthly1798000000000,
];

/** What the migrate step builds and the runtime role may use. */
export const auditLogDatabase: ServiceDatabase = {
  entities: auditLogEntities,
  migrations: auditLogMigrations,
  // Tree heads (Kafka anchor) and the compliance officer's own accesses go out through the outbox.
  produces: true,
  consumes: true,
  runtimePrivileges: auditLogPrivileges,
};
