import { randomUUID } from 'node:crypto';

import {
  createEnvelope,
  decodeEvent,
  encodeEnvelope,
  StaffInboxItemKind,
} from '@caredispatch/contracts';

import { staffInboxItem } from './staff-inbox';

describe(staffInboxItem.name, () => {
  const appointmentId = randomUUID();
  const correlationId = randomUUID();
  const responseId = randomUUID();

  function published(causationId?: string): ReturnType<typeof decodeEvent> {
    const sut = staffInboxItem({
      tenantId: 'clinic-1',
      appointmentId,
      correlationId,
      causationId,
      kind: StaffInboxItemKind.WRITE_BACK_FAILED,
      responseId,
      writeBackFailure: 'AUTHORIZATION_FAILED',
      now: new Date('2031-03-10T14:00:00Z'),
    });
    return decodeEvent(encodeEnvelope(createEnvelope(sut, { producer: 'messaging' })));
  }

  it('should name the failed write-back that raised it as its cause, in the answer’s correlation', () => {
    const failedWriteBackEventId = randomUUID();

    const decoded = published(failedWriteBackEventId);

    expect(decoded.envelope).toMatchObject({
      eventType: 'StaffInboxItemV1',
      aggregateId: appointmentId,
      correlationId,
      causationId: failedWriteBackEventId,
    });
    expect(decoded.payload).toMatchObject({
      kind: StaffInboxItemKind.WRITE_BACK_FAILED,
      appointmentId,
      responseId,
      writeBackFailure: 'AUTHORIZATION_FAILED',
    });
  });

  it('should carry no cause when nothing but the patient raised it ("call me")', () => {
    expect(published().envelope.causationId).toBe('');
  });
});
