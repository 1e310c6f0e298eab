import { type MigrationInterface, type QueryRunner } from 'typeorm';

import { disableTenantIsolation, enableTenantIsolation } from '@caredispatch/kafka';

/**
 * Row-level security on the audit tables: the consumer appends and the query API reads one
 * tenant's trail at a time; there is no cross-tenant job. The runtime role may only SELECT and
 * INSERT them (auditLogPrivileges); the chain head is read, never updated.
 */
const TABLES = ['audit_event', 'audit_chain_head'];

export class IsolateAuditTenants1767300000000 implements MigrationInterface {
  name = 'IsolateAuditTenants1767300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const statement of enableTenantIsolation({ table })) await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const statement of disableTenantIsolation({ table })) await queryRunner.query(statement);
    }
  }
}
