import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { backoffDelayMs, describeError, sleep } from '@caredispatch/kafka';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { MESSAGE_DUE_CHANNEL } from '../message/message.repository';

import { MessageSender } from './message-sender.service';

import type { PoolClient } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Releases a pooled connection; with an error the pool discards it instead of reusing it. */
type ReleaseConnection = (error?: Error) => void;

/** How one LISTEN session ended: stopped on purpose, or lost (and whether it ever listened). */
type ListenOutcome = { kind: 'stopped' } | { kind: 'lost'; listened: boolean; error: unknown };

const RELISTEN_BACKOFF = { baseDelayMs: 200, maxDelayMs: 10_000 };

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
    this.listening = this.keepListening(stopping.signal);
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

  /** Holds a LISTEN session until stopped, re-opening it with backoff when it drops. */
  private async keepListening(stopping: AbortSignal): Promise<void> {
    let failures = 0;
    while (!stopping.aborted) {
      const outcome = await this.listenOnce(stopping);
      if (outcome.kind === 'stopped') return;
      failures = outcome.listened ? 1 : failures + 1;
      // Not a readiness fault: the poll keeps sending, only later.
      this.logger.warn({
        message: 'sender wake-up connection lost; polling until it is back',
        error: describeError(outcome.error),
        attempt: failures,
      });
      await sleep(backoffDelayMs(failures, RELISTEN_BACKOFF), stopping);
    }
  }

  private async listenOnce(stopping: AbortSignal): Promise<ListenOutcome> {
    let client: PoolClient;
    let release: ReleaseConnection;
    try {
      [client, release] = await this.obtainConnection();
    } catch (error) {
      return { kind: 'lost', listened: false, error };
    }
    if (stopping.aborted) {
      release();
      return { kind: 'stopped' };
    }

    let onLost: (error: unknown) => void = () => undefined;
    const lost = new Promise<ListenOutcome>((resolve) => {
      onLost = (error) => resolve({ kind: 'lost', listened: true, error });
    });
    let onStop: () => void = () => undefined;
    const stopped = new Promise<ListenOutcome>((resolve) => {
      onStop = () => resolve({ kind: 'stopped' });
    });
    const onEnd = () => onLost(new Error('listen connection ended'));
    client.on('notification', this.onNotify);
    client.on('error', onLost);
    client.on('end', onEnd);
    stopping.addEventListener('abort', onStop, { once: true });
    let stoppedOnPurpose = false;
    try {
      await client.query(`LISTEN ${MESSAGE_DUE_CHANNEL}`);
      // Messages queued while no one listened were announced to no one.
      this.onNotify();
      const outcome = await Promise.race([lost, stopped]);
      if (outcome.kind === 'lost') {
        release(asError(outcome.error));
        return outcome;
      }
      stoppedOnPurpose = true;
      await client.query('UNLISTEN *');
      client.off('notification', this.onNotify);
      client.off('error', onLost);
      client.off('end', onEnd);
      release();
      return outcome;
    } catch (error) {
      // Our `error` listener stays attached: the discarded client may still report its end.
      release(asError(error));
      return stoppedOnPurpose ? { kind: 'stopped' } : { kind: 'lost', listened: false, error };
    } finally {
      stopping.removeEventListener('abort', onStop);
    }
  }

  /** A dedicated pooled connection: LISTEN is per session and must outlive any transaction. */
  private async obtainConnection(): Promise<[PoolClient, ReleaseConnection]> {
    const driver: unknown = this.dataSource.driver;
    if (!isPostgresDriver(driver)) throw new Error('the sender wake-up needs the postgres driver');
    const connection: unknown = await driver.obtainMasterConnection();
    return connection as [PoolClient, ReleaseConnection];
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(describeError(error));
}

function isPostgresDriver(
  driver: unknown,
): driver is Pick<PostgresDriver, 'obtainMasterConnection'> {
  return (
    typeof (driver as Partial<PostgresDriver> | undefined)?.obtainMasterConnection === 'function'
  );
}
