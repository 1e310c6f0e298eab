import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { PhiCipher } from '@caredispatch/phi-crypto';

import { openJson, planField, sealJson } from '../phi/dispatch-phi';
import { asTenant, tenantQuery } from '../tenancy';

import { type InputsPhi, joinInputsPhi, splitInputsPhi } from './plan-phi';
import { PlanReader } from './plan-published';
import { PlanEntity } from './plan.entity';
import { joinTravelMatrix, splitTravelMatrix } from './travel-matrix-snapshot';

import type { PlanVersion } from './plan.model';
import type { PlanInputs } from './problem-builder';

export interface StoredPlan {
  readonly plan: PlanVersion;
  readonly inputs: PlanInputs;
}

type PlanRow = Pick<PlanEntity, 'tenantId' | 'planId' | 'version' | 'plan'>;

/**
 * Stored plan versions; every query is tenant-scoped. Patient data is sealed on the way in
 * (the plan whole, the inputs' patient part) and opened on the way out.
 */
@Injectable()
export class PlanRepository extends PlanReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: PhiCipher,
  ) {
    super();
  }

  async insert(manager: EntityManager, plan: PlanVersion, inputs: PlanInputs): Promise<void> {
    const { readable, phi } = splitInputsPhi(inputs);
    await manager.insert(PlanEntity, {
      ...splitTravelMatrix(readable),
      inputsPhi: await sealJson(this.cipher, planField(plan, 'inputs_phi'), phi),
      tenantId: plan.tenantId,
      planId: plan.planId,
      version: plan.version,
      kind: plan.kind,
      horizonFrom: new Date(plan.horizon.from),
      horizonUntil: new Date(plan.horizon.until),
      horizonDays: [...plan.horizon.days],
      plan: await sealJson(this.cipher, planField(plan, 'plan'), plan),
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
    return row ? this.openPlan(row) : null;
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
    if (!row) return null;
    const phi = await openJson<InputsPhi>(this.cipher, planField(row, 'inputs_phi'), row.inputsPhi);
    return {
      plan: await this.openPlan(row),
      inputs: joinInputsPhi(joinTravelMatrix(row.inputs, row.travelMatrix), phi),
    };
  }

  async currentForDay(tenantId: string, day: string): Promise<PlanVersion | null> {
    const rows = await tenantQuery<{ plan_id: string; version: number; plan: Buffer }[]>(
      this.dataSource,
      tenantId,
      `SELECT plan_id, version, plan FROM dispatch_plan
        WHERE tenant_id = $1 AND $2 = ANY(horizon_days)
        ORDER BY horizon_from DESC, (SELECT min(created_at) FROM dispatch_plan p1
                                     WHERE p1.tenant_id = dispatch_plan.tenant_id AND p1.plan_id = dispatch_plan.plan_id) DESC,
                 version DESC
        LIMIT 1`,
      [tenantId, day],
    );
    const row = rows.at(0);
    return row
      ? this.openPlan({ tenantId, planId: row.plan_id, version: row.version, plan: row.plan })
      : null;
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

  private openPlan(row: PlanRow): Promise<PlanVersion> {
    return openJson<PlanVersion>(this.cipher, planField(row, 'plan'), row.plan);
  }
}
