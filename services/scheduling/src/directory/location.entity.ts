import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A practice location; its IANA time zone is how UTC instants are shown to patients. */
@Entity({ name: 'location' })
@Index('ux_location_tenant_ehr_location', ['tenantId', 'ehrLocationId'], { unique: true })
@Index('ux_location_tenant_id', ['tenantId', 'id'], { unique: true })
export class LocationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'ehr_location_id', type: 'text' })
  ehrLocationId!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  /**
   * The LocationAddress as JSON, encrypted (location-phi.ts: a home visit's location is the
   * patient's home); rows from before encryption hold the JSON text until re-encrypted.
   */
  @Column({ name: 'address', type: 'text', nullable: true })
  address!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A location as the rest of scheduling reads it: its address decrypted. */
export type LocationView = Omit<LocationEntity, 'address'> & { address: LocationAddress | null };

export interface LocationAddress {
  lines: string[];
  city: string;
  state: string;
  postalCode: string;
  country: string;
}
