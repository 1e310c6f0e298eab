import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { asTenant, tenantQuery } from '../tenancy';

import { PlanReader } from './plan-published';
import { PlanEntity } from './plan.entity';
import { joinTravelMatrix, splitTravelMatrix } from './travel-matrix-snapshot';

import type { PlanVersion } from './plan.model';
import type { PlanInputs } from './problem-builder';

export interface StoredPlan {
  readonly plan: PlanVersion;
  readonly inputs: PlanInputs;
}

/** Stored plan versions; every query is tenant-scoped. */
@Injectable()
export class PlanRepository extends PlanReader {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insert(manager: EntityManager, plan: PlanVersion, inputs: PlanInputs): Promise<void> {
    await manager.insert(PlanEntity, {
      ...splitTravelMatrix(inputs),
      tenantId: plan.tenantId,
      planId: plan.planId,
      version: plan.version,
      kind: plan.kind,
      horizonFrom: new Date(plan.horizon.from),
      horizonUntil: new Date(plan.horizon.until),
      plan,
      createdAt: new Date(plan.createdAt),
    });
  }

  async version(tenantId: string, planId: string, version: number): Promise<PlanVersion | null> {
    const row = await asTenant(this.dataSource, tenantId, (manager) =>
      manager.findOne(PlanEntity, {
        where: { tenantId, planId, version },
        select: { plan: true, tenantId: true, planId: true, version: true },
      }),
    );
    return row?.plan ?? null;
  }

  async latest(
    tenantId: string,
    planId: string,
    manager?: EntityManager,
  ): Promise<StoredPlan | null> {
    const row = await asTenant(
      this.dataSource,
      tenantId,
      (scoped) =>
        scoped.findOne(PlanEntity, { where: { tenantId, planId }, order: { version: 'DESC' } }),
      manager,
    );
    return row ? { plan: row.plan, inputs: joinTravelMatrix(row.inputs, row.travelMatrix) } : null;
  }

  async currentForDay(tenantId: string, day: string): Promise<PlanVersion | null> {
    const rows = await tenantQuery<{ plan: PlanVersion }[]>(
      this.dataSource,
      tenantId,
      `SELECT plan FROM dispatch_plan
        WHERE tenant_id = $1 AND plan -> 'horizon' -> 'days' ? $2
        ORDER BY horizon_from DESC, (SELECT min(created_at) FROM dispatch_plan p1
                                     WHERE p1.tenant_id = dispatch_plan.tenant_id AND p1.plan_id = dispatch_plan.plan_id) DESC,
                 version DESC
        LIMIT 1`,
      [tenantId, day],
    );
    return rows.at(0)?.plan ?? null;
  }

  /** The plan id that owns `instant`: the most recently started plan whose horizon contains it. */
  async planIdCovering(tenantId: string, instant: Date): Promise<string | null> {
    const rows = await tenantQuery<{ plan_id: string }[]>(
      this.dataSource,
      tenantId,
      `SELECT plan_id FROM dispatch_plan
        WHERE tenant_id = $1 AND version = 1 AND horizon_from <= $2 AND horizon_until > $2
        ORDER BY created_at DESC LIMIT 1`,
      [tenantId, instant],
    );
    return rows.at(0)?.plan_id ?? null;
  }

  /** Whether a scheduled run of `kind` already exists for this horizon start (runs once per horizon). */
  async hasRun(tenantId: string, kind: string, horizonFrom: Date): Promise<boolean> {
    const rows = await tenantQuery<unknown[]>(
      this.dataSource,
      tenantId,
      `SELECT 1 FROM dispatch_plan WHERE tenant_id = $1 AND kind = $2 AND horizon_from = $3 AND version = 1 LIMIT 1`,
      [tenantId, kind, horizonFrom],
    );
    return rows.length > 0;
  }
}
