import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { PlanKind } from './plan.model';

/**
 * One stored plan version: the plan as delivered, and the optimizer input it was solved from.
 * The plan names and locates patients, so it is stored sealed (phi/dispatch-phi.ts), with the
 * days it covers beside it for lookups; the inputs keep their patient part sealed apart.
 */
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

  /** Practice days the horizon covers (`YYYY-MM-DD`), the plan's `horizon.days`. */
  @Column({ name: 'horizon_days', type: 'text', array: true })
  horizonDays!: string[];

  /** The PlanVersion as JSON, encrypted (rows from before encryption: the JSON text, until re-encrypted). */
  @Column({ name: 'plan', type: 'bytea' })
  plan!: Buffer;

  /**
   * The optimizer Problem + id maps (inputs snapshot) without patient data; re-plans start
   * from it. A matrix travel spec is kept out of it, in travel_matrix.
   */
  @Column({ name: 'inputs', type: 'jsonb' })
  inputs!: unknown;

  /** The inputs' patient part (plan/plan-phi.ts) as JSON, encrypted. */
  @Column({ name: 'inputs_phi', type: 'bytea' })
  inputsPhi!: Buffer;

  /** The problem's travel matrix (travel-matrix-snapshot.ts); null: in `inputs` (older rows) or none. */
  @Column({ name: 'travel_matrix', type: 'bytea', nullable: true })
  travelMatrix!: Buffer | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
