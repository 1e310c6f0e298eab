import { timestampFromDate } from '@caredispatch/contracts';

import { type AcceptorToBook, bookingRequestFor, type SlotToBook } from './booking-request';

const START = new Date('2031-03-10T14:00:00Z');
const END = new Date('2031-03-10T14:30:00Z');

const slot: SlotToBook = {
  id: 'slot-1',
  freedByAppointmentId: 'appt-freed',
  freedEhrAppointmentId: 'ehr-freed',
  freedEhrVersion: '3',
  startAt: START,
  endAt: END,
  appointmentTypeCode: 'follow-up',
};

function acceptor(overrides: Partial<AcceptorToBook> = {}): AcceptorToBook {
  return {
    entryId: 'entry-1',
    patientId: 'patient-1',
    ehrPatientId: 'pat-1',
    replacesAppointmentId: null,
    keptEhrAppointmentId: null,
    keptEhrVersion: '',
    ...overrides,
  };
}

describe(bookingRequestFor.name, () => {
  it('should ask for a new Appointment for an acceptor without a kept visit', () => {
    expect(bookingRequestFor(slot, 'offer-1', acceptor())).toEqual({
      slotId: 'slot-1',
      offerId: 'offer-1',
      entryId: 'entry-1',
      patientId: 'patient-1',
      ehrPatientId: 'pat-1',
      freedByAppointmentId: 'appt-freed',
      freedEhrAppointmentId: 'ehr-freed',
      freedEhrVersion: '3',
      start: timestampFromDate(START),
      end: timestampFromDate(END),
      appointmentTypeCode: 'follow-up',
      keptEhrAppointmentId: '',
      keptEhrVersion: '',
    });
  });

  it('should ask to move the kept visit of an acceptor who keeps one, with its EHR id and version', () => {
    const sut = bookingRequestFor(
      slot,
      'offer-1',
      acceptor({
        ehrPatientId: null,
        replacesAppointmentId: 'appt-kept',
        keptEhrAppointmentId: 'ehr-kept',
        keptEhrVersion: '7',
      }),
    );

    expect(sut).toMatchObject({
      ehrPatientId: '',
      freedEhrAppointmentId: 'ehr-freed',
      keptEhrAppointmentId: 'ehr-kept',
      keptEhrVersion: '7',
    });
  });

  it('should leave the fill to staff when the kept visit is not known to the EHR', () => {
    expect(
      bookingRequestFor(slot, 'offer-1', acceptor({ replacesAppointmentId: 'appt-kept' })),
    ).toBeNull();
  });

  it('should leave the fill to staff without the acceptor EHR patient id (no kept visit)', () => {
    expect(bookingRequestFor(slot, 'offer-1', acceptor({ ehrPatientId: null }))).toBeNull();
  });

  it('should leave the fill to staff when the freed appointment is unknown to the EHR', () => {
    expect(
      bookingRequestFor({ ...slot, freedEhrAppointmentId: '' }, 'offer-1', acceptor()),
    ).toBeNull();
    expect(
      bookingRequestFor(
        { ...slot, freedEhrAppointmentId: '' },
        'offer-1',
        acceptor({ replacesAppointmentId: 'appt-kept', keptEhrAppointmentId: 'ehr-kept' }),
      ),
    ).toBeNull();
  });
});
