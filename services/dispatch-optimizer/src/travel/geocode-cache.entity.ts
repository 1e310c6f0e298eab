import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One Geocoding API answer per normalized address, so an address is looked up once. */
@Entity({ name: 'geocode_cache' })
export class GeocodeCacheEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'pk_geocode_cache' })
  tenantId!: string;

  @PrimaryColumn({
    name: 'address_key',
    type: 'text',
    primaryKeyConstraintName: 'pk_geocode_cache',
  })
  addressKey!: string;

  @Column({ name: 'lat', type: 'double precision', nullable: true })
  lat!: number | null;

  @Column({ name: 'lon', type: 'double precision', nullable: true })
  lon!: number | null;

  @Column({ name: 'resolved', type: 'boolean' })
  resolved!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
