import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Distance Matrix answers keyed by rounded coordinates and a weekday/hour departure bucket;
 * entries older than the TTL are ignored and refreshed.
 */
@Entity({ name: 'travel_time_cache' })
export class TravelTimeCacheEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_travel_time_cache',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'origin_key',
    type: 'text',
    primaryKeyConstraintName: 'pk_travel_time_cache',
  })
  originKey!: string;

  @PrimaryColumn({
    name: 'destination_key',
    type: 'text',
    primaryKeyConstraintName: 'pk_travel_time_cache',
  })
  destinationKey!: string;

  @PrimaryColumn({ name: 'bucket', type: 'text', primaryKeyConstraintName: 'pk_travel_time_cache' })
  bucket!: string;

  @Column({ name: 'seconds', type: 'integer' })
  seconds!: number;

  @Column({ name: 'meters', type: 'integer' })
  meters!: number;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;
}
