import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Formerly the newest link of each tenant's chain, updated on every append. No longer written:
 * the runtime role may not UPDATE, so appends serialize on a per-tenant advisory lock and read
 * the head as the newest audit_event row. Kept (additive migrations) until a later migration
 * drops it; tail removal is caught against the signed tree heads anchored outside the database.
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
