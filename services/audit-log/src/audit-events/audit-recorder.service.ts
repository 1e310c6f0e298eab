import { randomUUID } from 'node:crypto';

import { toJson } from '@bufbuild/protobuf';
import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  type Clock,
  eventDefinitionOf,
  type EventEnvelope,
  timestampDate,
} from '@caredispatch/contracts';

import { type JsonObject } from '../audit-chain/canonical-json';
import {
  appointmentReferencesOf,
  traceIdOf,
  type TypedEvent,
} from '../audit-chain/event-references';
import { GENESIS_HASH, link } from '../audit-chain/hash-chain';

import { AuditChainHeadEntity } from './audit-chain-head.entity';
import { AuditEventEntity } from './audit-event.entity';
import { CLOCK } from './clock.token';

/** A consumed event with where it was read from. */
export type ConsumedEvent = TypedEvent & {
  readonly envelope: EventEnvelope;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
};

export type RecordOutcome = 'recorded' | 'duplicate';

/** Appends consumed events to their tenant's hash chain. Inserts only: nothing here updates or deletes. */
@Injectable()
export class AuditRecorderService {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async record(manager: EntityManager, consumed: ConsumedEvent): Promise<RecordOutcome> {
    const { envelope } = consumed;
    const tenantId = envelope.tenantId;
    const head = await this.lockChainHead(manager, tenantId);
    // Behind the head lock, so a concurrent duplicate of this tenant's event waits and sees it.
    if (await manager.existsBy(AuditEventEntity, { eventId: envelope.eventId })) return 'duplicate';

    const sequence = (BigInt(head.sequence) + 1n).toString();
    const references = appointmentReferencesOf(consumed);
    const payload = payloadJson(consumed);
    const chained = link(head.lastHash, {
      tenantId,
      sequence,
      eventId: envelope.eventId,
      eventType: envelope.eventType,
      eventVersion: envelope.eventVersion,
      topic: consumed.topic,
      partition: consumed.partition,
      offset: consumed.offset,
      producer: envelope.producer,
      // Validated present by the envelope decoder; stored (and hashed) at millisecond precision.
      occurredAt: envelope.occurredAt ? timestampDate(envelope.occurredAt) : new Date(0),
      recordedAt: this.clock.now(),
      correlationId: envelope.correlationId,
      causationId: envelope.causationId === '' ? null : envelope.causationId,
      aggregateId: envelope.aggregateId,
      ehrAppointmentId: references.ehrAppointmentId,
      appointmentId: references.appointmentId,
      traceId: traceIdOf(envelope.traceparent),
      payload,
    });
    await manager.insert(AuditEventEntity, { id: randomUUID(), ...chained, payload });
    await manager.update(
      AuditChainHeadEntity,
      { tenantId },
      { sequence, lastHash: chained.hash, updatedAt: chained.recordedAt },
    );
    return 'recorded';
  }

  /**
   * Creates the tenant's head on first use, then holds its row lock until the transaction
   * ends: one append at a time per tenant, so sequence numbers and prev_hash never fork.
   */
  private async lockChainHead(
    manager: EntityManager,
    tenantId: string,
  ): Promise<AuditChainHeadEntity> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditChainHeadEntity)
      .values({ tenantId, sequence: '0', lastHash: GENESIS_HASH, updatedAt: this.clock.now() })
      .orIgnore()
      .execute();
    return manager.findOneOrFail(AuditChainHeadEntity, {
      where: { tenantId },
      lock: { mode: 'pessimistic_write' },
    });
  }
}

/** The payload in protobuf's canonical JSON mapping (int64 as strings, enums by name). */
function payloadJson(consumed: TypedEvent): JsonObject {
  const json = toJson(eventDefinitionOf(consumed.eventType).schema, consumed.event);
  // A message (never a scalar) maps to a JSON object; anything else is a contracts bug.
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TypeError(`${consumed.eventType} did not map to a JSON object`);
  }
  return json;
}
