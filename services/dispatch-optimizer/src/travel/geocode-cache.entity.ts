import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One Geocoding API answer per address, so an address is looked up once. `address_key` is
 * the address's blind index (BlindIndex.addressLookupHash, an HMAC): the cache hits without
 * holding the address. The coordinates of a home stay readable here: without the address or
 * a name or appointment beside them a dump cannot tie them to a patient.
 */
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
