import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event a consumer group has processed. Inserted in the same transaction as the handler's
 * effect, so "processed" and "effect applied" can never disagree; a redelivery finds the row
 * and is skipped.
 */
@Entity({ name: 'inbox_event' })
@Index('IDX_inbox_event_processed_at', ['processedAt'])
export class InboxEventEntity {
  @PrimaryColumn({
    name: 'consumer_group',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_inbox_event',
  })
  consumerGroup!: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'PK_inbox_event' })
  eventId!: string;

  @Column({ type: 'varchar', length: 249 })
  topic!: string;

  @Column({ type: 'integer' })
  partition!: number;

  /** Kafka offset (int64); pg returns bigint as string. */
  @Column({ type: 'bigint' })
  offset!: string;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}
