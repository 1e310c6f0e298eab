import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';

import { sleep } from '@caredispatch/kafka';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type AuditLogConfig } from '../config';

import { TreeHeadService } from './tree-head.service';

/**
 * Signs and anchors a head for every tenant whose log grew, every AUDIT_TREE_HEAD_INTERVAL_MS
 * (first run one interval after start). A failed run is logged and retried next interval.
 */
@Injectable()
export class TreeHeadScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TreeHeadScheduler.name);
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly treeHeads: TreeHeadService,
    @Inject(SERVICE_CONFIG) private readonly config: AuditLogConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const signal = this.stopping.signal;
    for (;;) {
      await sleep(this.config.AUDIT_TREE_HEAD_INTERVAL_MS, signal);
      if (signal.aborted) return;
      try {
        const signed = await this.treeHeads.signAllDue();
        if (signed > 0) this.logger.log(`signed and anchored ${signed} tree heads`);
      } catch (error) {
        this.logger.error(
          `tree-head run failed, retrying next interval: ${(error as Error).message}`,
        );
      }
    }
  }
}
