import { createEnvelope, encodeEnvelope } from '@caredispatch/contracts';
import { bookedEvent } from '@caredispatch/testing';

import { deadLetterHeaders, envelopeHeaders } from '../headers';

import {
  isSelected,
  type RawDeadLetter,
  replayHeaders,
  toDeadLetterRecord,
} from './dead-letter-record';

const appointmentId = '5b0f2d7e-6a43-4c3e-9a53-2f8e7c1d9b10';
const envelope = createEnvelope(bookedEvent(appointmentId, 1, 'acme'), { producer: 'scheduling' });

function deadLetter(overrides: Partial<RawDeadLetter> = {}): RawDeadLetter {
  return {
    dlqTopic: 'scheduling.appointment.v1.dlq',
    partition: 1,
    offset: '7',
    timestamp: '1764470000000',
    key: Buffer.from(appointmentId),
    value: Buffer.from(encodeEnvelope(envelope)),
    headers: {
      ...envelopeHeaders(envelope),
      ...deadLetterHeaders({
        reason: 'HANDLER_REJECTED',
        error: 'PermanentEventError[UNKNOWN_LOCATION]',
        topic: 'scheduling.appointment.v1',
        partition: 2,
        offset: '41',
        timestamp: '1764469990000',
        attempts: 5,
        consumerGroup: 'messaging',
        failureRule: 'marked',
      }),
    },
    ...overrides,
  };
}

describe(toDeadLetterRecord.name, () => {
  it('should expose reason, attempts, original coordinates and event ids', () => {
    expect(toDeadLetterRecord(deadLetter())).toEqual({
      dlqTopic: 'scheduling.appointment.v1.dlq',
      partition: 1,
      offset: '7',
      deadLetteredAt: '2025-11-30T02:33:20.000Z',
      reason: 'HANDLER_REJECTED',
      error: 'PermanentEventError[UNKNOWN_LOCATION]',
      failureRule: 'marked',
      attempts: 5,
      consumerGroup: 'messaging',
      original: {
        topic: 'scheduling.appointment.v1',
        partition: 2,
        offset: '41',
        timestamp: '1764469990000',
      },
      eventId: envelope.eventId,
      eventType: 'AppointmentBookedV1',
      tenantId: 'acme',
      replayedFrom: undefined,
    });
  });

  it('should take the ids from the envelope when the headers lack them', () => {
    const sut = toDeadLetterRecord(deadLetter({ headers: { 'dlq-reason': 'HANDLER_REJECTED' } }));

    expect(sut).toMatchObject({
      eventId: envelope.eventId,
      tenantId: 'acme',
      original: { topic: 'scheduling.appointment.v1', partition: undefined },
    });
  });

  it('should describe an undecodable dead letter without ids', () => {
    const sut = toDeadLetterRecord(
      deadLetter({ value: Buffer.from('{"not":"protobuf"}'), headers: {} }),
    );

    expect(sut).toMatchObject({ eventId: undefined, tenantId: undefined, reason: 'UNKNOWN' });
  });
});

describe(replayHeaders.name, () => {
  it('should keep the original ids and trace context, drop the dead-letter headers and mark the replay', () => {
    const sut = replayHeaders(deadLetter(), new Date('2026-11-30T03:00:00Z'));

    expect(sut).toEqual({
      ...envelopeHeaders(envelope),
      'dlq-replayed-from': 'scheduling.appointment.v1.dlq/1/7',
      'dlq-replayed-at': '2026-11-30T03:00:00.000Z',
    });
  });
});

describe(isSelected.name, () => {
  const record = toDeadLetterRecord(deadLetter());

  it.each([
    [{ kind: 'one', dlqTopic: 'scheduling.appointment.v1.dlq', partition: 1, offset: 7n }, true],
    [{ kind: 'one', dlqTopic: 'scheduling.appointment.v1.dlq', partition: 0, offset: 7n }, false],
    [
      { kind: 'range', dlqTopic: 'scheduling.appointment.v1.dlq', partition: 1, from: 5n, to: 7n },
      true,
    ],
    [
      { kind: 'range', dlqTopic: 'scheduling.appointment.v1.dlq', partition: 1, from: 8n, to: 9n },
      false,
    ],
    [{ kind: 'tenant', tenantId: 'acme' }, true],
    [{ kind: 'tenant', tenantId: 'other' }, false],
  ] as const)('should match %o: %s', (selection, expected) => {
    expect(isSelected(record, selection)).toBe(expected);
  });
});
