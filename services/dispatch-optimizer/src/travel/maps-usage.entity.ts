import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Distance Matrix elements billed per tenant and calendar month (UTC), against the budget. */
@Entity({ name: 'maps_usage' })
export class MapsUsageEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'pk_maps_usage' })
  tenantId!: string;

  @PrimaryColumn({ name: 'month', type: 'text', primaryKeyConstraintName: 'pk_maps_usage' })
  month!: string;

  @Column({ name: 'billed_elements', type: 'integer' })
  billedElements!: number;
}
