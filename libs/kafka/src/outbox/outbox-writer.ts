import { randomUUID } from 'node:crypto';

import { EntityManager } from 'typeorm';

import {
  createEnvelope,
  encodeEnvelope,
  type EventEnvelope,
  eventRegistry,
  type EventType,
  type NewEvent,
} from '@caredispatch/contracts';

import { envelopeHeaders } from '../headers';

import { type OutboxPayloadCipher } from './outbox-payload-cipher';

/** NOTIFY channel that wakes the relay as soon as an outbox row commits. */
export const OUTBOX_NOTIFY_CHANNEL = 'outbox_message';

export interface OutboxWriterOptions {
  /** Service name written to every envelope's `producer`. */
  readonly producer: string;
  readonly clock?: { now(): Date };
  /** Encrypts the stored payload; without one it is stored as encoded. */
  readonly payloadCipher?: OutboxPayloadCipher;
}

export interface OutboxRoute {
  /** Defaults to the event type's registered topic. */
  readonly topic?: string;
  /** Defaults to the event's aggregate id (ids only — keys never carry PHI). */
  readonly key?: string;
  /**
   * The new event's id, when the caller already wrote it down in this transaction (e.g. as a
   * row's latest event, in the statement that changed the row); a fresh UUID otherwise.
   */
  readonly eventId?: string;
}

export class OutboxOutsideTransactionError extends Error {
  override readonly name = 'OutboxOutsideTransactionError';

  constructor() {
    super(
      'OutboxWriter.append must run inside the transaction that changes the state it describes',
    );
  }
}

export class OutboxWriter {
  constructor(private readonly options: OutboxWriterOptions) {}

  /**
   * Stages `event` for publication in the caller's transaction: it is published if and only
   * if that transaction commits. Append AFTER the state change that locks the aggregate row,
   * so two transactions on one aggregate take outbox sequence numbers in commit order and
   * the relay's per-key order matches the order the changes happened.
   */
  async append<T extends EventType>(
    manager: EntityManager,
    event: NewEvent<T>,
    route: OutboxRoute = {},
  ): Promise<EventEnvelope> {
    if (!manager.queryRunner?.isTransactionActive) throw new OutboxOutsideTransactionError();

    const { eventId } = route;
    const envelope = createEnvelope(event, {
      producer: this.options.producer,
      clock: this.options.clock,
      ...(eventId === undefined ? {} : { newId: () => eventId }),
    });
    const encoded = encodeEnvelope(envelope);
    const payload = this.options.payloadCipher
      ? await this.options.payloadCipher.seal(envelope, encoded)
      : Buffer.from(encoded);
    // One round trip: the row, and the NOTIFY that is delivered only when (and if) the
    // transaction commits (repeated NOTIFYs in one transaction collapse into one).
    await manager.query(
      `WITH staged AS (
         INSERT INTO outbox_message
           (id, tenant_id, topic, message_key, event_id, event_type, payload, headers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING 1)
       SELECT pg_notify($9, '') FROM staged`,
      [
        randomUUID(),
        envelope.tenantId,
        route.topic ?? eventRegistry[event.type].topic,
        route.key ?? envelope.aggregateId,
        envelope.eventId,
        envelope.eventType,
        payload,
        JSON.stringify(envelopeHeaders(envelope)),
        OUTBOX_NOTIFY_CHANNEL,
      ],
    );
    return envelope;
  }
}
