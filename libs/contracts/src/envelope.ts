import { randomUUID } from 'node:crypto';

import {
  create,
  type DescMessage,
  fromBinary,
  type MessageShape,
  toBinary,
} from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Context, context as otelContext, propagation } from '@opentelemetry/api';

import { EventDecodeError, EventDecodeFailure, EventValidationError } from './errors';
import {
  type DecodedEvent,
  eventDefinitionOf,
  type EventPayloadInit,
  type EventType,
  isEventType,
} from './event-registry';
import {
  type EventEnvelope,
  EventEnvelopeSchema,
} from './generated/caredispatch/events/v1/envelope_pb';
import { IssueCollector } from './validation';

/** An event a service wants to publish; the envelope fields it does not choose are filled in. */
export interface NewEvent<T extends EventType> {
  readonly type: T;
  readonly payload: EventPayloadInit<T>;
  readonly tenantId: string;
  /** Id of the aggregate (e.g. the appointment id); also the Kafka key. Never PHI. */
  readonly aggregateId: string;
  /** Defaults to the new event's own id: the event starts a new causal chain. */
  readonly correlationId?: string;
  /** Id of the event that caused this one; see `causedBy`. */
  readonly causationId?: string;
}

export interface EnvelopeOptions {
  /** Name of the producing service, e.g. "scheduling". */
  readonly producer: string;
  /** Source of `occurredAt` (any Clock from @caredispatch/platform); defaults to the wall clock. */
  readonly clock?: { now(): Date };
  /** Trace context to propagate; defaults to the active OpenTelemetry context. */
  readonly context?: Context;
  readonly newId?: () => string;
}

/** Correlation fields for an event caused by `envelope` (use when reacting to a consumed event). */
export function causedBy(envelope: Pick<EventEnvelope, 'eventId' | 'correlationId'>): {
  correlationId: string;
  causationId: string;
} {
  return { correlationId: envelope.correlationId, causationId: envelope.eventId };
}

/**
 * Builds the envelope for `event`, validating the payload against its contract first so an
 * invalid event fails inside the producer's transaction instead of poisoning consumers.
 */
export function createEnvelope<T extends EventType>(
  event: NewEvent<T>,
  options: EnvelopeOptions,
): EventEnvelope {
  const definition = eventDefinitionOf(event.type);
  // The registry entry for T has schema EventSchema<T>; TS cannot follow that through the
  // widened definition, so the init shape is re-typed once here.
  const payload = create(definition.schema, event.payload as MessageInitShape);
  const issues = definition.validate(payload);
  if (issues.length > 0) throw new EventValidationError(event.type, issues);

  const eventId = (options.newId ?? randomUUID)();
  const trace: Record<string, string> = {};
  propagation.inject(options.context ?? otelContext.active(), trace);

  return create(EventEnvelopeSchema, {
    eventId,
    eventType: event.type,
    eventVersion: definition.version,
    tenantId: event.tenantId,
    occurredAt: timestampFromDate(options.clock?.now() ?? new Date()),
    producer: options.producer,
    correlationId: event.correlationId ?? eventId,
    causationId: event.causationId ?? '',
    aggregateId: event.aggregateId,
    traceparent: trace['traceparent'] ?? '',
    tracestate: trace['tracestate'] ?? '',
    payload: toBinary(definition.schema, payload),
  });
}

type MessageInitShape = Parameters<typeof create<DescMessage>>[1];

export function encodeEnvelope(envelope: EventEnvelope): Uint8Array {
  return toBinary(EventEnvelopeSchema, envelope);
}

/** Decodes and validates an envelope (not its payload). Throws EventDecodeError. */
export function decodeEnvelope(bytes: Uint8Array | null | undefined): EventEnvelope {
  if (!bytes || bytes.length === 0) throw new EventDecodeError(EventDecodeFailure.EmptyValue);
  let envelope: EventEnvelope;
  try {
    envelope = fromBinary(EventEnvelopeSchema, bytes);
  } catch (error) {
    throw new EventDecodeError(EventDecodeFailure.MalformedEnvelope, [describe(error)]);
  }
  const issues = new IssueCollector()
    .uuid('event_id', envelope.eventId)
    .text('event_type', envelope.eventType)
    .positive('event_version', envelope.eventVersion)
    .text('tenant_id', envelope.tenantId)
    .present('occurred_at', envelope.occurredAt)
    .text('producer', envelope.producer)
    .text('correlation_id', envelope.correlationId)
    .text('aggregate_id', envelope.aggregateId).issues;
  if (issues.length > 0) throw new EventDecodeError(EventDecodeFailure.InvalidEnvelope, issues);
  return envelope;
}

/** Decodes the payload of an already decoded envelope into its typed event. Throws EventDecodeError. */
export function decodePayload(envelope: EventEnvelope): DecodedEvent {
  const type = envelope.eventType;
  if (!isEventType(type))
    throw new EventDecodeError(EventDecodeFailure.UnknownEventType, [`event_type ${type}`]);
  const definition = eventDefinitionOf(type);
  if (envelope.eventVersion !== definition.version) {
    throw new EventDecodeError(EventDecodeFailure.VersionMismatch, [
      `event_version ${envelope.eventVersion} != ${definition.version}`,
    ]);
  }
  let payload: MessageShape<DescMessage>;
  try {
    payload = fromBinary(definition.schema, envelope.payload);
  } catch (error) {
    throw new EventDecodeError(EventDecodeFailure.MalformedPayload, [describe(error)]);
  }
  const issues = definition.validate(payload);
  if (issues.length > 0) throw new EventDecodeError(EventDecodeFailure.InvalidPayload, issues);
  // `payload` was decoded with the schema registered for `type`, which is exactly the
  // pairing DecodedEvent expresses; TS cannot correlate the two through a runtime lookup.
  return { type, payload, envelope } as unknown as DecodedEvent;
}

/** Envelope + payload in one step: what a consumer runs on a Kafka message value. */
export function decodeEvent(bytes: Uint8Array | null | undefined): DecodedEvent {
  return decodePayload(decodeEnvelope(bytes));
}

function describe(error: unknown): string {
  // Decoder messages describe wire-format problems (offsets, wire types), never field values.
  return error instanceof Error ? error.message : 'unknown decode error';
}
