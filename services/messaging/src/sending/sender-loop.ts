import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';

import { sleep } from '@caredispatch/kafka';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';

import { MessageSender } from './message-sender.service';

/**
 * Drives MessageSender: polls while idle, runs back to back while there is work. Stops
 * between rounds (before the database closes on shutdown); a send cut short by a hard kill
 * is found again through its lapsed lease. `stop()`/`start()` also serve as a kill switch
 * for sending while consumption continues (messages simply stay queued).
 */
@Injectable()
export class SenderLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SenderLoop.name);
  private stopping: AbortController | undefined;
  private running: Promise<void> | undefined;
  private healthy = false;

  constructor(
    private readonly sender: MessageSender,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.MESSAGE_SENDER_ENABLED) this.start();
    else this.logger.warn('MESSAGE_SENDER_ENABLED=false: confirmations stay queued');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.healthy = true;
    this.running = this.loop(stopping.signal);
  }

  /** Resolves once the current round has finished; nothing is left half-recorded. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.running;
    this.running = undefined;
  }

  /** False after a round failed (e.g. database unreachable) until one succeeds again. */
  isReady(): boolean {
    // Switched off on purpose is not a fault: the pod still consumes and queues.
    if (!this.config.MESSAGE_SENDER_ENABLED) return true;
    return this.running !== undefined && this.healthy;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let handled = 0;
      try {
        handled = await this.sender.runOnce();
        this.healthy = true;
      } catch (error) {
        this.healthy = false;
        // Database errors name tables and constraints, never row values.
        this.logger.error({
          message: 'sender round failed',
          error: error instanceof Error ? error.message : 'unknown',
        });
      }
      if (handled === 0) await sleep(this.config.SENDER_POLL_INTERVAL_MS, signal);
    }
  }
}
