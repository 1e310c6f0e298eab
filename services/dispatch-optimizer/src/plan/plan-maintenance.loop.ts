import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { sleep } from '@caredispatch/kafka';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { DispatchAppointmentRepository } from '../appointments/dispatch-appointment.repository';
import { type DispatchOptimizerConfig } from '../config';
import { RosterImportScheduler } from '../roster-import/roster-import.scheduler';

import { PlanScheduler } from './plan-scheduler';
import { PlannerService } from './planner.service';

/**
 * After-commit work: appointments whose revision is ahead of the plan are applied to it through
 * `replan` (one version per change), and due weekly/nightly runs and daily roster imports are
 * started. A failure leaves the
 * appointment un-planned, so it is retried on the next pass.
 */
@Injectable()
export class PlanMaintenanceLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PlanMaintenanceLoop.name);
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private lastScheduleCheck = 0;

  constructor(
    private readonly appointments: DispatchAppointmentRepository,
    private readonly planner: PlannerService,
    private readonly scheduler: PlanScheduler,
    private readonly rosterImports: RosterImportScheduler,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  /** One pass; exposed for tests and benches. Returns how many changes were applied. */
  async applyPendingChanges(): Promise<number> {
    const changed = await this.appointments.changed(50);
    for (const row of changed) {
      await this.planner.applyAppointmentChange(row);
      await this.appointments.markPlanned(row.tenantId, row.appointmentId, row.revision);
    }
    return changed.length;
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const applied = await this.applyPendingChanges();
        if (
          this.config.PLAN_SCHEDULER_ENABLED &&
          Date.now() - this.lastScheduleCheck >= this.config.PLAN_SCHEDULER_INTERVAL_MS
        ) {
          this.lastScheduleCheck = Date.now();
          await this.scheduler.runDue();
          await this.rosterImports.runDue();
        }
        if (applied > 0) continue;
      } catch (error) {
        this.logger.error(
          `plan maintenance failed: ${error instanceof Error ? error.message : 'error'}`,
        );
      }
      await sleep(this.config.REPLAN_POLL_INTERVAL_MS, this.abort.signal);
    }
  }
}
