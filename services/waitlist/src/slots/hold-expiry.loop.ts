import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { sleep } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type WaitlistConfig } from '../config';

import { FreedSlotService } from './freed-slot.service';

/**
 * Resolves offers whose hold ran out and moves their slots to the next wave or to coordinators;
 * sends the waves that waited for the morning.
 */
@Injectable()
export class HoldExpiryLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HoldExpiryLoop.name);
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly slots: FreedSlotService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: WaitlistConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const now = this.clock.now();
        const moved = (await this.slots.expireHolds(now)) + (await this.slots.resumeWaves(now));
        if (moved > 0) continue;
      } catch (error) {
        // The database may be away: the next pass retries; nothing is lost (holds stay due).
        this.logger.warn(
          `hold expiry pass failed: ${error instanceof Error ? error.name : 'error'}`,
        );
      }
      await sleep(this.config.WAITLIST_SCAN_INTERVAL_MS, this.abort.signal);
    }
  }
}
