import { inJobTransaction, KafkaJobs } from '../tenancy/transaction-scope';

import type { DataSource } from 'typeorm';

/** A parked row as an operator sees it: ids and the failure, never the payload. */
export interface ParkedOutboxMessage {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly tenantId: string;
  readonly topic: string;
  readonly failedAttempts: number;
  readonly lastError: string | null;
  readonly parkedAt: Date;
  /** Later unpublished rows of the same topic and key, held behind this one. */
  readonly heldBehind: number;
}

export async function listParkedOutboxMessages(
  dataSource: DataSource,
): Promise<ParkedOutboxMessage[]> {
  const rows = await inJobTransaction(dataSource, KafkaJobs.OutboxRelay, (manager) =>
    manager.query<
      {
        id: string;
        event_id: string;
        event_type: string;
        tenant_id: string;
        topic: string;
        failed_attempts: number;
        last_error: string | null;
        parked_at: Date;
        held_behind: number;
      }[]
    >(
      `SELECT p.id, p.event_id, p.event_type, p.tenant_id, p.topic, p.failed_attempts,
            p.last_error, p.parked_at,
            (SELECT count(*)::int FROM outbox_message h
              WHERE h.published_at IS NULL AND h.parked_at IS NULL
                AND h.topic = p.topic AND h.message_key = p.message_key AND h.seq > p.seq)
              AS held_behind
       FROM outbox_message p
      WHERE p.parked_at IS NOT NULL AND p.published_at IS NULL
      ORDER BY p.seq`,
    ),
  );
  return rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    tenantId: row.tenant_id,
    topic: row.topic,
    failedAttempts: row.failed_attempts,
    lastError: row.last_error,
    parkedAt: row.parked_at,
    heldBehind: row.held_behind,
  }));
}

/**
 * Puts parked rows back in the queue (all of them without `ids`) and wakes the relay; they
 * are retried `maxRowFailures` times again. Same as `SELECT outbox_unpark(...)` in psql.
 */
export async function unparkOutboxMessages(
  dataSource: DataSource,
  ids?: readonly string[],
): Promise<number> {
  const [row] = await dataSource.query<[{ unparked: number }]>(
    'SELECT outbox_unpark($1::uuid[]) AS unparked',
    [ids ? [...ids] : null],
  );
  return row.unparked;
}
