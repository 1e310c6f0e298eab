import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { sleep } from '@caredispatch/kafka';

import { AUDIT_PARTITION_MONTHS_AHEAD } from './retention-policy';

/** Hourly: a missing month is made long before its first event (the default partition is the net). */
const MAINTENANCE_INTERVAL_MS = 3_600_000;

/**
 * Keeps the monthly partitions of audit_event ahead of time: at start-up and every hour it
 * asks the database for this month and the next AUDIT_PARTITION_MONTHS_AHEAD. The runtime
 * role cannot create tables; audit_ensure_partitions (SECURITY DEFINER, owned by the owner
 * role) does, and can create nothing else. A failed run is logged and retried next hour.
 */
@Injectable()
export class PartitionMaintenanceScheduler
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(PartitionMaintenanceScheduler.name);
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** Creates the partitions still missing; returns how many. */
  async ensurePartitions(): Promise<number> {
    const [row] = await this.dataSource.query<[{ created: number }]>(
      'SELECT audit_ensure_partitions($1) AS created',
      [AUDIT_PARTITION_MONTHS_AHEAD],
    );
    return row.created;
  }

  private async loop(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        const created = await this.ensurePartitions();
        if (created > 0) this.logger.log(`created ${created} monthly audit partitions`);
      } catch (error) {
        this.logger.error(
          `audit partition maintenance failed, retrying next hour: ${(error as Error).message}`,
        );
      }
      await sleep(MAINTENANCE_INTERVAL_MS, signal);
    }
  }
}
