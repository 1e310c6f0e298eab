import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { inJobTransaction } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { type TenantSettingsBody } from '../roster/dto/roster.schemas';
import { asTenant, DispatchJobs } from '../tenancy';

import { TenantSettingsEntity } from './tenant-settings.entity';

/** The settings as the API shows them: the Maps key is never returned, only whether one is set. */
export type TenantSettingsView = Omit<TenantSettingsEntity, 'mapsApiKey'> & {
  mapsApiKeySet: boolean;
};

@Injectable()
export class TenantSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async put(tenantId: string, body: TenantSettingsBody): Promise<TenantSettingsView> {
    const row = Object.assign(new TenantSettingsEntity(), {
      tenantId,
      ...body,
      updatedAt: this.clock.now(),
    });
    await asTenant(this.dataSource, tenantId, (manager) =>
      manager.upsert(TenantSettingsEntity, row, ['tenantId']),
    );
    return view(row);
  }

  get(tenantId: string): Promise<TenantSettingsEntity | null> {
    return asTenant(this.dataSource, tenantId, (manager) =>
      manager.findOneBy(TenantSettingsEntity, { tenantId }),
    );
  }

  async view(tenantId: string): Promise<TenantSettingsView | null> {
    const row = await this.get(tenantId);
    return row ? view(row) : null;
  }

  /** Every tenant's settings: the scheduler's look for due weekly/nightly runs. */
  all(): Promise<TenantSettingsEntity[]> {
    return inJobTransaction(this.dataSource, DispatchJobs.PlanMaintenance, (manager) =>
      manager.find(TenantSettingsEntity, { order: { tenantId: 'ASC' } }),
    );
  }
}

function view(row: TenantSettingsEntity): TenantSettingsView {
  const { mapsApiKey, ...rest } = row;
  return { ...rest, mapsApiKeySet: mapsApiKey !== null };
}
