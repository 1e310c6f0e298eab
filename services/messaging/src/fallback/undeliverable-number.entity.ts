import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A number a tenant's texts cannot reach (Twilio 30003 unreachable, 30006 landline), by its
 * blind index: later reminder texts to it go by email directly, where the patient has an
 * address and email consent. Holds no number, only the per-tenant HMAC.
 */
@Entity({ name: 'undeliverable_number' })
export class UndeliverableNumberEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_undeliverable_number',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'to_lookup_hash',
    type: 'text',
    primaryKeyConstraintName: 'pk_undeliverable_number',
  })
  toLookupHash!: string;

  /** The Twilio error that marked it, e.g. '30006'. */
  @Column({ name: 'error_code', type: 'text' })
  errorCode!: string;

  @Column({ name: 'marked_at', type: 'timestamptz' })
  markedAt!: Date;

  /** The message whose failure proved it. */
  @Column({ name: 'evidence_message_id', type: 'uuid' })
  evidenceMessageId!: string;
}
