import { create, EventEnvelopeSchema } from '@caredispatch/contracts';

import { deadLetterHeaders, describeError, envelopeHeaders } from './headers';

describe(envelopeHeaders.name, () => {
  const sut = envelopeHeaders;

  it('should expose ids and trace context only', () => {
    const envelope = create(EventEnvelopeSchema, {
      eventId: 'e1',
      eventType: 'AppointmentBookedV1',
      tenantId: 'acme',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      payload: new TextEncoder().encode('+15555550100'),
    });

    expect(sut(envelope)).toEqual({
      'event-id': 'e1',
      'event-type': 'AppointmentBookedV1',
      'tenant-id': 'acme',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });
});

describe(deadLetterHeaders.name, () => {
  it('should carry the reason and the original coordinates as strings', () => {
    const sut = deadLetterHeaders({
      reason: 'HANDLER_REJECTED',
      error: 'QueryFailedError[23514]',
      topic: 'scheduling.appointment.v1',
      partition: 2,
      offset: '41',
      timestamp: '1741100000000',
      attempts: 5,
      consumerGroup: 'messaging',
      failureRule: 'sqlstate:23514',
    });

    expect(sut).toEqual({
      'dlq-reason': 'HANDLER_REJECTED',
      'dlq-error': 'QueryFailedError[23514]',
      'dlq-original-topic': 'scheduling.appointment.v1',
      'dlq-original-partition': '2',
      'dlq-original-offset': '41',
      'dlq-original-timestamp': '1741100000000',
      'dlq-attempts': '5',
      'dlq-consumer-group': 'messaging',
      'dlq-failure-rule': 'sqlstate:23514',
    });
  });
});

describe(describeError.name, () => {
  const sut = describeError;

  it('should keep the error class and code but drop the message', () => {
    const error = Object.assign(new Error('phone +15555550100 rejected'), { code: 21211 });

    expect(sut(error)).toBe('Error[21211]');
  });

  it('should name a thrown non-error by its type', () => {
    expect(sut('boom')).toBe('string');
  });
});
