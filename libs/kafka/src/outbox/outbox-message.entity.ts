import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One event waiting to be (or already) published, written in the same transaction as the
 * state change it describes. `payload` is the encoded EventEnvelope; `headers` hold ids and
 * trace context only (no PHI).
 */
@Entity({ name: 'outbox_message' })
@Index('UQ_outbox_message_event_id', ['eventId'], { unique: true })
// Partial index: the relay only ever scans the unpublished tail, in seq order.
@Index('IDX_outbox_message_unpublished_seq', ['seq'], { where: 'published_at IS NULL' })
// Tiny partial index: "is an earlier row of this key parked?" for every candidate row.
@Index('IDX_outbox_message_parked_key', ['topic', 'messageKey', 'seq'], {
  where: 'parked_at IS NOT NULL AND published_at IS NULL',
})
@Index('IDX_outbox_message_published_at', ['publishedAt'], { where: 'published_at IS NOT NULL' })
export class OutboxMessageEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_outbox_message' })
  id!: string;

  /** Insertion order; the relay publishes in this order. pg returns bigint as string. */
  @Column({
    type: 'bigint',
    generated: 'identity',
    generatedIdentity: 'ALWAYS',
    insert: false,
    update: false,
  })
  seq!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 100 })
  tenantId!: string;

  @Column({ type: 'varchar', length: 249 })
  topic!: string;

  @Column({ name: 'message_key', type: 'varchar', length: 255 })
  messageKey!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 100 })
  eventType!: string;

  @Column({ type: 'bytea' })
  payload!: Buffer;

  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Error class and code of the last failure (never message text or payload). */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Consecutive non-transient publish failures; reset by a success or an un-park. */
  @Column({ name: 'failed_attempts', type: 'integer', default: 0 })
  failedAttempts!: number;

  /**
   * Set when the row failed `failed_attempts` times for a reason retrying cannot fix (e.g. too
   * large for the broker); the relay skips it, and later rows of the same topic and key, until
   * `SELECT outbox_unpark(...)` puts it back.
   */
  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt!: Date | null;
}
