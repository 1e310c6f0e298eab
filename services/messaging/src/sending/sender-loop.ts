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

import { type MessagingConfig } from '../config';
import { MESSAGE_DUE_CHANNEL } from '../message/message.repository';

import { MessageSender } from './message-sender.service';

/**
 * Drives MessageSender: runs back to back while there is work, and while idle sleeps until
 * a queued message commits (NOTIFY on MESSAGE_DUE_CHANNEL) or the poll interval passes. The
 * poll is the safety net for messages that fall due later (retries) and for while the LISTEN
 * connection is down. Stops between rounds (before the database closes on shutdown); a send
 * cut short by a hard kill is found again through its lapsed lease. `stop()`/`start()` also
 * serve as a kill switch for sending while consumption continues (messages simply stay queued).
 */
@Injectable()
export class SenderLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SenderLoop.name);
  private stopping: AbortController | undefined;
  private running: Promise<void> | undefined;
  private listening: Promise<void> | undefined;
  private healthy = false;
  private wakeRequested = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly sender: MessageSender,
    private readonly dataSource: DataSource,
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
    // Not a readiness fault when it drops: the poll keeps sending, only later.
    this.listening = holdListenSession(
      {
        dataSource: this.dataSource,
        channel: MESSAGE_DUE_CHANNEL,
        onNotify: this.onNotify,
        logger: this.logger,
        owner: 'message sender',
      },
      stopping.signal,
    );
  }

  /** Resolves once the current round has finished and the LISTEN connection is released. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await Promise.all([this.running, this.listening]);
    this.running = undefined;
    this.listening = undefined;
  }

  /**
   * False after a round failed (e.g. database unreachable) until one succeeds again. The
   * LISTEN connection does not count: without it the sender still works, only on the poll.
   */
  isReady(): boolean {
    // Switched off on purpose is not a fault: the pod still consumes and queues.
    if (!this.config.MESSAGE_SENDER_ENABLED) return true;
    return this.running !== undefined && this.healthy;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // This round sees every message committed before it starts; only a NOTIFY that
      // arrives from here on calls for another one.
      this.wakeRequested = false;
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
      if (handled === 0) await this.idle(this.config.SENDER_POLL_INTERVAL_MS, signal);
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
