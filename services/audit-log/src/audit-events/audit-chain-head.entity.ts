import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The newest link of each tenant's chain. Appends lock this row (SELECT … FOR UPDATE), which
 * serializes a tenant's appends across consumers and instances without serializing tenants
 * against each other; it also lets verification notice a removed tail.
 */
@Entity({ name: 'audit_chain_head' })
export class AuditChainHeadEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  /** bigint → string; 0 before the first event. */
  @Column({ name: 'sequence', type: 'bigint' })
  sequence!: string;

  @Column({ name: 'last_hash', type: 'text' })
  lastHash!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
