import { timestampFromDate } from '@bufbuild/protobuf/wkt';

import { createEnvelope } from './envelope';
import { EventValidationError } from './errors';

import type { NewEvent } from './envelope';

const ID = '0b6f1d1e-7c1a-4b7e-9a51-3f0f2c1d9e11';

function request(
  payload: Partial<Record<'ehrPatientId' | 'keptEhrAppointmentId' | 'keptEhrVersion', string>>,
): NewEvent<'WaitlistBookingRequestedV1'> {
  return {
    type: 'WaitlistBookingRequestedV1',
    tenantId: 'tenant-a',
    aggregateId: ID,
    payload: {
      slotId: ID,
      offerId: ID,
      entryId: ID,
      patientId: ID,
      freedByAppointmentId: ID,
      freedEhrAppointmentId: 'appt-freed',
      freedEhrVersion: '3',
      start: timestampFromDate(new Date('2026-12-02T10:00:00Z')),
      end: timestampFromDate(new Date('2026-12-02T10:30:00Z')),
      appointmentTypeCode: 'follow-up',
      ...payload,
    },
  };
}

describe('WaitlistBookingRequestedV1 contract', () => {
  it('should require the EHR patient id of an acceptor who keeps no visit', () => {
    expect(() => createEnvelope(request({}), { producer: 'waitlist' })).toThrow(
      EventValidationError,
    );
    expect(() =>
      createEnvelope(request({ ehrPatientId: 'pat-1' }), { producer: 'waitlist' }),
    ).not.toThrow();
  });

  it('should accept a move of a kept visit without the EHR patient id', () => {
    expect(() =>
      createEnvelope(request({ keptEhrAppointmentId: 'appt-kept', keptEhrVersion: '' }), {
        producer: 'waitlist',
      }),
    ).not.toThrow();
  });
});
