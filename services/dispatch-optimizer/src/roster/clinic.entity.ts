import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { Coordinates } from '../plan/plan.model';
import type { ClinicBlock, OpeningHours } from './clinic.model';

@Entity({ name: 'dispatch_clinic' })
export class ClinicEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_clinic',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'clinic_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_clinic',
  })
  clinicId!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'address', type: 'text' })
  address!: string;

  @Column({ name: 'coordinates', type: 'jsonb' })
  coordinates!: Coordinates;

  /** The EHR's location ids (or scheduling's location uuids) whose appointments are held here. */
  @Column({ name: 'location_ids', type: 'text', array: true })
  locationIds!: string[];

  @Column({ name: 'opening_hours', type: 'jsonb' })
  openingHours!: OpeningHours[];

  @Column({ name: 'blocks', type: 'jsonb' })
  blocks!: ClinicBlock[];

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
