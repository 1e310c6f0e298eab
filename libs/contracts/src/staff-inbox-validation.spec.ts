import { timestampFromDate } from '@bufbuild/protobuf/wkt';

import { createEnvelope } from './envelope';
import { EventValidationError } from './errors';
import { StaffInboxItemKind } from './generated/caredispatch/messaging/inbox/v1/inbox_pb';

import type { NewEvent } from './envelope';

const ID = '0b6f1d1e-7c1a-4b7e-9a51-3f0f2c1d9e11';

function item(
  payload: Partial<
    Record<'inboundMessageId' | 'responseId' | 'writeBackFailure', string> & {
      kind: StaffInboxItemKind;
    }
  >,
): NewEvent<'StaffInboxItemV1'> {
  return {
    type: 'StaffInboxItemV1',
    tenantId: 'tenant-a',
    aggregateId: ID,
    payload: {
      itemId: ID,
      kind: StaffInboxItemKind.RESCHEDULE_REQUESTED,
      appointmentId: ID,
      receivedAt: timestampFromDate(new Date('2026-11-30T12:00:00Z')),
      ...payload,
    },
  };
}

describe('StaffInboxItemV1 contract', () => {
  it('should accept an item that points at a stored reply or at a patient response', () => {
    expect(() =>
      createEnvelope(item({ inboundMessageId: ID }), { producer: 'messaging' }),
    ).not.toThrow();
    expect(() => createEnvelope(item({ responseId: ID }), { producer: 'messaging' })).not.toThrow();
  });

  it('should refuse an item that points at nothing staff can open', () => {
    expect(() => createEnvelope(item({}), { producer: 'messaging' })).toThrow(EventValidationError);
  });

  it('should require the response and a coded reason for a failed write-back', () => {
    const failed = { kind: StaffInboxItemKind.WRITE_BACK_FAILED };

    expect(() =>
      createEnvelope(item({ ...failed, responseId: ID, writeBackFailure: 'SLOT_TAKEN' }), {
        producer: 'messaging',
      }),
    ).not.toThrow();
    expect(() =>
      createEnvelope(item({ ...failed, responseId: ID, writeBackFailure: 'slot was taken' }), {
        producer: 'messaging',
      }),
    ).toThrow(EventValidationError);
    expect(() =>
      createEnvelope(item({ ...failed, inboundMessageId: ID, writeBackFailure: 'SLOT_TAKEN' }), {
        producer: 'messaging',
      }),
    ).toThrow(EventValidationError);
  });
});
