import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { holdListenSession, sleep } from '@caredispatch/kafka';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import { CoordinatorNotifier } from '../escalation/coordinator-notifier.service';

import { ITINERARY_DUE_CHANNEL } from './delivery-wake-up';
import { ItineraryDeliverer } from './itinerary-deliverer.service';

/**
 * Drives ItineraryDeliverer as messaging's SenderLoop drives its sender: back to back while
 * there is work; idle until a delivery commits (NOTIFY) or the poll interval passes (retries
 * falling due, LISTEN down). Stops between rounds; a send cut short by a kill is found again
 * through its lapsed lease.
 */
@Injectable()
export class DeliveryLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryLoop.name);
  private stopping: AbortController | undefined;
  private running: Promise<void> | undefined;
  private listening: Promise<void> | undefined;
  private wakeRequested = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly deliverer: ItineraryDeliverer,
    private readonly notifier: CoordinatorNotifier,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
  ) {}

  onApplicationBootstrap(): void {
    const stopping = new AbortController();
    this.stopping = stopping;
    this.running = this.loop(stopping.signal);
    this.listening = holdListenSession(
      {
        dataSource: this.dataSource,
        channel: ITINERARY_DUE_CHANNEL,
        onNotify: this.onNotify,
        logger: this.logger,
        owner: 'itinerary delivery',
      },
      stopping.signal,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping?.abort();
    await Promise.all([this.running, this.listening]);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.wakeRequested = false;
      let handled = 0;
      try {
        handled = (await this.deliverer.runOnce()) + (await this.notifier.runOnce());
      } catch (error) {
        this.logger.error({
          message: 'delivery round failed',
          error: error instanceof Error ? error.message : 'unknown',
        });
      }
      if (handled === 0) await this.idle(this.config.ITINERARY_DELIVERY_POLL_INTERVAL_MS, signal);
    }
  }

  private async idle(ms: number, stopping: AbortSignal): Promise<void> {
    if (this.wakeRequested) return;
    const woken = new AbortController();
    this.wake = () => woken.abort();
    try {
      await sleep(ms, AbortSignal.any([stopping, woken.signal]));
    } finally {
      this.wake = undefined;
    }
  }

  private readonly onNotify = (): void => {
    this.wakeRequested = true;
    this.wake?.();
  };
}
