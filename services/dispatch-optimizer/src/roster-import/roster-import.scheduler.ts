import { Inject, Injectable, Logger } from '@nestjs/common';

import { CLOCK, type Clock } from '@caredispatch/platform';

import { TenantSettingsService } from '../settings/tenant-settings.service';

import { dueRosterImportDay } from './roster-import-schedule';
import { RosterImportService } from './roster-import.service';

/**
 * Starts each tenant's daily roster import when it is due. Driven by the plan maintenance loop
 * beside the weekly/nightly plan runs (same switch and interval, PLAN_SCHEDULER_*); the import
 * row's unique (tenant, day) makes it once per day however many replicas find it due.
 */
@Injectable()
export class RosterImportScheduler {
  private readonly logger = new Logger(RosterImportScheduler.name);

  constructor(
    private readonly settings: TenantSettingsService,
    private readonly imports: RosterImportService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns how many imports this call started. */
  async runDue(): Promise<number> {
    let started = 0;
    for (const settings of await this.settings.all()) {
      const day = dueRosterImportDay(settings, this.clock.now());
      if (day === null) continue;
      try {
        if (await this.imports.requestScheduled(settings.tenantId, day)) started += 1;
      } catch (error) {
        // One tenant's failure does not hold back the others; the next pass tries again.
        this.logger.error({
          message: 'scheduled roster import not started',
          tenantId: settings.tenantId,
          error: error instanceof Error ? error.message : 'unknown',
        });
      }
    }
    return started;
  }
}
