import { type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  disableTenantIsolation,
  enableTenantIsolation,
  type TenantIsolation,
} from '@caredispatch/kafka';

import { AuditJobs } from '../audit-events/audit-jobs';

/**
 * Row-level security on the audit tables: the consumer appends and the query, compliance and
 * tree-head APIs read one tenant's trail at a time. The one cross-tenant job, the tree-head
 * scheduler, only reads which tenants' logs grew past their last head (audit_event and
 * audit_tree_head); it signs each tenant's head in that tenant's transaction. The runtime role
 * may only SELECT and INSERT them (auditLogPrivileges); the chain head is no longer written.
 */
const TREE_HEAD_SIGNER = { [AuditJobs.TreeHeadSigner]: ['SELECT'] } as const;
const TABLES: TenantIsolation[] = [
  { table: 'audit_event', jobs: TREE_HEAD_SIGNER },
  { table: 'audit_chain_head' },
  { table: 'audit_event_leaf' },
  { table: 'audit_tree_head', jobs: TREE_HEAD_SIGNER },
];

export class IsolateAuditTenants1767300000000 implements MigrationInterface {
  name = 'IsolateAuditTenants1767300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const statement of enableTenantIsolation(table)) await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const statement of disableTenantIsolation(table)) await queryRunner.query(statement);
    }
  }
}
