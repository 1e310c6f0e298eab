import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A signed tree head as issued. Append-only: a newer head is a new row, never an edit. The
 * copy that counts as evidence is the anchored one (file, Kafka): this table is what the API
 * serves and what the next head is checked against before it is signed.
 */
@Entity({ name: 'audit_tree_head' })
@Check('ck_audit_tree_head_size', 'tree_size >= 0')
@Index('ix_audit_tree_head_tenant_size', ['tenantId', 'treeSize'])
export class AuditTreeHeadEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  /** bigint → string. */
  @Column({ name: 'tree_size', type: 'bigint' })
  treeSize!: string;

  @Column({ name: 'root_hash', type: 'bytea' })
  rootHash!: Buffer;

  @Column({ name: 'signed_at', type: 'timestamptz' })
  signedAt!: Date;

  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ name: 'signature', type: 'bytea' })
  signature!: Buffer;
}
