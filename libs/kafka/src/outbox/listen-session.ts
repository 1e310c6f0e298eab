import { type LoggerService } from '@nestjs/common';

import { backoffDelayMs, sleep } from '../backoff';
import { describeError } from '../headers';

import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Releases a pooled connection; with an error the pool discards it instead of reusing it. */
type ReleaseConnection = (error?: Error) => void;

/** How one LISTEN session ended: stopped on purpose, or lost (and whether it ever listened). */
type ListenOutcome = { kind: 'stopped' } | { kind: 'lost'; listened: boolean; error: unknown };

export interface ListenSessionOptions {
  readonly dataSource: DataSource;
  /** A plain identifier (it is interpolated into `LISTEN <channel>`). */
  readonly channel: string;
  /**
   * Called for every NOTIFY, and once each time a session (re)starts: whatever was announced
   * while no one listened was announced to no one, so the caller should look for work.
   */
  readonly onNotify: () => void;
  /** Reports whether a session is currently listening (for status and readiness details). */
  readonly onListening?: (listening: boolean) => void;
  readonly logger: LoggerService;
  /** Names the owner in log lines, e.g. "outbox relay". */
  readonly owner: string;
  readonly backoff?: { readonly baseDelayMs: number; readonly maxDelayMs: number };
}

const RELISTEN_BACKOFF = { baseDelayMs: 200, maxDelayMs: 10_000 };
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Holds a LISTEN session on a dedicated pooled connection until `stopping` aborts, opening a
 * new one with capped exponential backoff whenever it drops (backend terminated, failover,
 * network). Resolves once stopped and the connection is released.
 */
export async function holdListenSession(
  options: ListenSessionOptions,
  stopping: AbortSignal,
): Promise<void> {
  if (!IDENTIFIER.test(options.channel)) throw new Error('LISTEN channel must be an identifier');
  let failures = 0;
  while (!stopping.aborted) {
    const outcome = await listenOnce(options, stopping);
    options.onListening?.(false);
    if (outcome.kind === 'stopped') return;
    failures = outcome.listened ? 1 : failures + 1;
    options.logger.warn(
      `${options.owner} LISTEN connection lost (attempt ${failures}), polling until it is back: ${describeError(outcome.error)}`,
    );
    await sleep(backoffDelayMs(failures, options.backoff ?? RELISTEN_BACKOFF), stopping);
  }
}

async function listenOnce(
  options: ListenSessionOptions,
  stopping: AbortSignal,
): Promise<ListenOutcome> {
  let client: PoolClient;
  let release: ReleaseConnection;
  try {
    [client, release] = await obtainConnection(options.dataSource);
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
  const onEnd = (): void => onLost(new Error('listen connection ended'));
  client.on('notification', options.onNotify);
  client.on('error', onLost);
  client.on('end', onEnd);
  stopping.addEventListener('abort', onStop, { once: true });
  let stoppedOnPurpose = false;
  try {
    await client.query(`LISTEN ${options.channel}`);
    options.onListening?.(true);
    options.onNotify();
    const outcome = await Promise.race([lost, stopped]);
    if (outcome.kind === 'lost') {
      release(asError(outcome.error));
      return outcome;
    }
    stoppedOnPurpose = true;
    await client.query('UNLISTEN *');
    client.off('notification', options.onNotify);
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
async function obtainConnection(dataSource: DataSource): Promise<[PoolClient, ReleaseConnection]> {
  const driver: unknown = dataSource.driver;
  if (!isPostgresDriver(driver)) throw new Error('LISTEN needs the postgres driver');
  const connection: unknown = await driver.obtainMasterConnection();
  return connection as [PoolClient, ReleaseConnection];
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
