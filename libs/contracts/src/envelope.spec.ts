import { toBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

import { causedBy, createEnvelope, decodeEnvelope, decodeEvent, encodeEnvelope } from './envelope';
import { EventDecodeError, EventDecodeFailure, EventValidationError } from './errors';
import { EventEnvelopeSchema } from './generated/caredispatch/events/v1/envelope_pb';
import { Topics } from './topics';

import type { NewEvent } from './envelope';

const FIXED_NOW = new Date('2025-03-04T15:30:00.000Z');
const APPOINTMENT_ID = '0b6f1d1e-7c1a-4b7e-9a51-3f0f2c1d9e11';

function bookedEvent(
  overrides: Partial<NewEvent<'AppointmentBookedV1'>> = {},
): NewEvent<'AppointmentBookedV1'> {
  return {
    type: 'AppointmentBookedV1',
    tenantId: 'acme',
    aggregateId: APPOINTMENT_ID,
    payload: {
      appointment: {
        appointmentId: APPOINTMENT_ID,
        ehrAppointmentId: 'ehr-1',
        ehrVersion: '3',
        revision: 1,
        start: { seconds: BigInt(1_741_100_000), nanos: 0 },
        end: { seconds: BigInt(1_741_101_800), nanos: 0 },
        location: { locationId: 'loc-1', name: 'Main St', timeZone: 'America/New_York' },
        practiceName: 'Acme Family Practice',
        patient: {
          patientId: '6a1c6d52-8a55-4bfb-9f3e-1f8f1b7a0c22',
          givenName: 'Ada',
          phoneE164: '+15555550100',
          smsConsent: true,
        },
        provider: { providerId: 'prov-1', displayName: 'Dr. Grace' },
      },
    },
    ...overrides,
  };
}

const options = { producer: 'scheduling', clock: { now: () => FIXED_NOW } };

describe(createEnvelope.name, () => {
  const sut = createEnvelope;

  it('should fill the envelope from the event, the clock and the registry', () => {
    const envelope = sut(bookedEvent(), {
      ...options,
      newId: () => 'e5c4b9a8-1d2f-4a6b-8c7d-9e0f1a2b3c4d',
    });

    expect(envelope).toMatchObject({
      eventId: 'e5c4b9a8-1d2f-4a6b-8c7d-9e0f1a2b3c4d',
      eventType: 'AppointmentBookedV1',
      eventVersion: 1,
      tenantId: 'acme',
      producer: 'scheduling',
      aggregateId: APPOINTMENT_ID,
      correlationId: 'e5c4b9a8-1d2f-4a6b-8c7d-9e0f1a2b3c4d',
      causationId: '',
    });
    expect(timestampDate(envelope.occurredAt!)).toEqual(FIXED_NOW);
  });

  it('should continue the causal chain of the consumed event', () => {
    const cause = sut(bookedEvent(), options);

    const envelope = sut(bookedEvent(causedBy(cause)), options);

    expect(envelope.correlationId).toBe(cause.correlationId);
    expect(envelope.causationId).toBe(cause.eventId);
    expect(envelope.eventId).not.toBe(cause.eventId);
  });

  it('should carry the active W3C trace context', () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const spanContext = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    };
    const active = trace.setSpanContext(ROOT_CONTEXT, spanContext);

    const envelope = context.with(active, () => sut(bookedEvent(), options));

    expect(envelope.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    propagation.disable();
    context.disable();
  });

  it('should refuse a payload that breaks its contract', () => {
    const invalid = bookedEvent({ payload: { appointment: { appointmentId: 'not-a-uuid' } } });

    expect(() => sut(invalid, options)).toThrow(EventValidationError);
  });
});

describe(decodeEvent.name, () => {
  const sut = decodeEvent;

  it('should round-trip an encoded envelope into its typed payload', () => {
    const envelope = createEnvelope(bookedEvent(), options);

    const decoded = sut(encodeEnvelope(envelope));

    expect(decoded.type).toBe('AppointmentBookedV1');
    if (decoded.type !== 'AppointmentBookedV1') throw new Error('narrowing failed');
    expect(decoded.payload.appointment?.patient?.phoneE164).toBe('+15555550100');
    expect(decoded.envelope.eventId).toBe(envelope.eventId);
  });

  it.each([
    ['an empty value', new Uint8Array(), EventDecodeFailure.EmptyValue],
    ['a missing value', null, EventDecodeFailure.EmptyValue],
    [
      'JSON instead of protobuf',
      new TextEncoder().encode('{"eventId":"x"}'),
      EventDecodeFailure.MalformedEnvelope,
    ],
  ])('should reject %s with its reason', (_label, bytes, reason) => {
    expect(() => sut(bytes)).toThrow(expect.objectContaining({ reason }) as EventDecodeError);
  });

  it('should reject an envelope whose required fields are missing', () => {
    const bytes = toBinary(EventEnvelopeSchema, {
      ...createEnvelope(bookedEvent(), options),
      eventId: 'nope',
      tenantId: '',
    });

    const error = captureDecodeError(() => sut(bytes));

    expect(error.reason).toBe(EventDecodeFailure.InvalidEnvelope);
    expect(error.issues).toEqual(['event_id must be a UUID', 'tenant_id is required']);
  });

  it('should reject an unknown event type', () => {
    const envelope = {
      ...createEnvelope(bookedEvent(), options),
      eventType: 'AppointmentTeleportedV1',
    };

    expect(captureDecodeError(() => sut(encodeEnvelope(envelope))).reason).toBe(
      EventDecodeFailure.UnknownEventType,
    );
  });

  it('should reject a version the registry does not know', () => {
    const envelope = { ...createEnvelope(bookedEvent(), options), eventVersion: 2 };

    expect(captureDecodeError(() => sut(encodeEnvelope(envelope))).reason).toBe(
      EventDecodeFailure.VersionMismatch,
    );
  });

  it('should reject a payload that is not the registered message', () => {
    const envelope = {
      ...createEnvelope(bookedEvent(), options),
      payload: new Uint8Array([0x0a, 0xff, 0xff]),
    };

    expect(captureDecodeError(() => sut(encodeEnvelope(envelope))).reason).toBe(
      EventDecodeFailure.MalformedPayload,
    );
  });

  it('should reject a payload that decodes but breaks the contract', () => {
    const envelope = { ...createEnvelope(bookedEvent(), options), payload: new Uint8Array() };

    const error = captureDecodeError(() => sut(encodeEnvelope(envelope)));

    expect(error.reason).toBe(EventDecodeFailure.InvalidPayload);
    expect(error.issues).toEqual(['appointment is required']);
  });
});

describe(decodeEnvelope.name, () => {
  it('should not leak payload values into error issues', () => {
    const envelope = createEnvelope(bookedEvent(), options);
    const bytes = toBinary(EventEnvelopeSchema, { ...envelope, aggregateId: '' });

    const error = captureDecodeError(() => decodeEnvelope(bytes));

    expect(error.message).not.toContain('+15555550100');
    expect(error.issues).toEqual(['aggregate_id is required']);
  });
});

describe('topics', () => {
  it('should keep the versioned topic naming scheme', () => {
    for (const topic of Object.values(Topics))
      expect(topic).toMatch(/^[a-z]+\.[a-z]+(-[a-z]+)*\.v\d+$/);
  });
});

function captureDecodeError(run: () => unknown): EventDecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof EventDecodeError) return error;
    throw error;
  }
  throw new Error('expected an EventDecodeError');
}
