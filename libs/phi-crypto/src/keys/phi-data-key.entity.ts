import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A tenant's data key (DEK) for one period, wrapped by a key-encryption key. Ciphertexts name
 * the DEK id; rotating the KEK rewrites only these rows, never the ciphertexts.
 */
@Entity({ name: 'phi_data_key' })
// One live key per tenant and period; a retired key stays (its ciphertexts still name it).
@Index('ux_phi_data_key_tenant_period', ['tenantId', 'period'], {
  unique: true,
  where: 'retired_at IS NULL',
})
@Index('ix_phi_data_key_kek', ['kekId'])
export class PhiDataKeyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_phi_data_key' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  /** UTC month, `YYYY-MM`: new data is encrypted under the current period's key. */
  @Column({ type: 'text' })
  period!: string;

  @Column({ name: 'kek_id', type: 'text' })
  kekId!: string;

  @Column({ name: 'wrapped_key', type: 'bytea' })
  wrappedKey!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'rewrapped_at', type: 'timestamptz', nullable: true })
  rewrappedAt!: Date | null;

  /**
   * Set by an operator to stop using a key (e.g. suspected exposure): no new data is
   * encrypted under it and the re-encryption job moves its ciphertexts to a live key.
   */
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}
