import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { CLOCK, type Clock } from '@caredispatch/platform';

import { EhrWebhookRepository } from './ehr-webhook.repository';

const PRUNE_INTERVAL_MS = 10 * 60_000;
const PRUNE_BATCH = 5_000;

/**
 * Forgets webhook ids past their expiry so the replay table stays small. Safe to run in
 * every replica at once: each DELETE takes whatever expired rows it finds.
 */
@Injectable()
export class WebhookDeliveryPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryPruner.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly repository: EhrWebhookRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.prune().finally(() => (this.running = undefined));
    }, PRUNE_INTERVAL_MS);
    // Never keeps the process alive on its own.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async prune(): Promise<void> {
    try {
      let deleted: number;
      do {
        deleted = await this.repository.pruneExpiredDeliveries(this.clock.now(), PRUNE_BATCH);
        if (deleted > 0) this.logger.log({ message: 'expired webhook ids pruned', deleted });
      } while (deleted === PRUNE_BATCH);
    } catch (error) {
      this.logger.warn({ message: 'pruning expired webhook ids failed; will retry', err: error });
    }
  }
}
