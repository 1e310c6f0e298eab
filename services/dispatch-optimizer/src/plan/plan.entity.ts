import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { PlanKind, PlanVersion } from './plan.model';

/** One stored plan version: the plan as delivered, and the optimizer input it was solved from. */
@Entity({ name: 'dispatch_plan' })
@Index('ix_dispatch_plan_tenant_horizon', ['tenantId', 'horizonFrom'])
@Index('uq_dispatch_plan_scheduled_run', ['tenantId', 'kind', 'horizonFrom'], {
  unique: true,
  where: `version = 1 AND kind IN ('weekly', 'nightly')`,
})
export class PlanEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'pk_dispatch_plan' })
  tenantId!: string;

  @PrimaryColumn({ name: 'plan_id', type: 'uuid', primaryKeyConstraintName: 'pk_dispatch_plan' })
  planId!: string;

  @PrimaryColumn({ name: 'version', type: 'integer', primaryKeyConstraintName: 'pk_dispatch_plan' })
  version!: number;

  @Column({ name: 'kind', type: 'text' })
  kind!: PlanKind;

  @Column({ name: 'horizon_from', type: 'timestamptz' })
  horizonFrom!: Date;

  @Column({ name: 'horizon_until', type: 'timestamptz' })
  horizonUntil!: Date;

  @Column({ name: 'plan', type: 'jsonb' })
  plan!: PlanVersion;

  /**
   * The optimizer Problem + id maps (inputs snapshot); re-plans start from it. A matrix travel
   * spec is kept out of it, in travel_matrix.
   */
  @Column({ name: 'inputs', type: 'jsonb' })
  inputs!: unknown;

  /** The problem's travel matrix (travel-matrix-snapshot.ts); null: in `inputs` (older rows) or none. */
  @Column({ name: 'travel_matrix', type: 'bytea', nullable: true })
  travelMatrix!: Buffer | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
