import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { QueryFailedError } from 'typeorm';

import { CLOCK, type Clock } from '@caredispatch/platform';

import { type Weekday, WEEKDAYS } from '../roster/roster.model';
import { type TenantSettingsEntity } from '../settings/tenant-settings.entity';
import { TenantSettingsService } from '../settings/tenant-settings.service';

import { PlanRepository } from './plan.repository';
import { PlannerService } from './planner.service';
import { horizonOf } from './problem-builder';

export interface DueRun {
  readonly kind: 'weekly' | 'nightly';
  readonly days: string[];
}

/**
 * Which scheduled runs are due for a tenant at `now`: the weekly run (default Sunday 17:00 local)
 * plans the following week's configured days; the nightly run (default 18:00) plans tomorrow.
 * A run is due from its time until the horizon starts, and happens once per horizon.
 */
export function dueRuns(settings: TenantSettingsEntity, now: Date): DueRun[] {
  const local = DateTime.fromJSDate(now, { zone: settings.timeZone });
  const runs: DueRun[] = [];
  const today = WEEKDAYS[local.weekday - 1];
  if (today === settings.weeklyRunDay && local.toFormat('HH:mm') >= settings.weeklyRunTime) {
    const nextMonday = local.startOf('week').plus({ weeks: 1 });
    const days = settings.weeklyPlanDays
      .map((day: Weekday) => nextMonday.plus({ days: WEEKDAYS.indexOf(day) }).toISODate() ?? '')
      .sort();
    runs.push({ kind: 'weekly', days });
  }
  if (settings.nightlyRunTime !== null && local.toFormat('HH:mm') >= settings.nightlyRunTime) {
    const tomorrow = local.plus({ days: 1 });
    if (settings.weeklyPlanDays.includes(WEEKDAYS[tomorrow.weekday - 1])) {
      runs.push({ kind: 'nightly', days: [tomorrow.toISODate() ?? ''] });
    }
  }
  return runs;
}

function isScheduledRunTaken(error: unknown): boolean {
  const driverError: unknown = error instanceof QueryFailedError ? error.driverError : null;
  return (
    typeof driverError === 'object' &&
    driverError !== null &&
    'code' in driverError &&
    driverError.code === '23505' &&
    'constraint' in driverError &&
    driverError.constraint === 'uq_dispatch_plan_scheduled_run'
  );
}

@Injectable()
export class PlanScheduler {
  constructor(
    private readonly settings: TenantSettingsService,
    private readonly plans: PlanRepository,
    private readonly planner: PlannerService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async runDue(): Promise<number> {
    let started = 0;
    for (const settings of await this.settings.all()) {
      for (const run of dueRuns(settings, this.clock.now())) {
        const horizon = horizonOf(run.days, settings.timeZone);
        if (await this.plans.hasRun(settings.tenantId, run.kind, new Date(horizon.from))) continue;
        try {
          await this.planner.run(settings.tenantId, run.kind, run.days);
          started += 1;
        } catch (error) {
          // Another replica stored this run first (uq_dispatch_plan_scheduled_run): nothing to do.
          if (!isScheduledRunTaken(error)) throw error;
        }
      }
    }
    return started;
  }
}
