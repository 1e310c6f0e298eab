import { WriteBackFailureReason } from '@caredispatch/contracts';

import { type FhirResource } from '../ehr-fhir/fhir-client.port';

import {
  type BookingFacts,
  type BookingIntent,
  planBooking,
  slotsToCheck,
  WAITLIST_BOOKING_IDENTIFIER_SYSTEM,
} from './booking-plan';

const START = '2031-03-10T14:00:00.000Z';
const END = '2031-03-10T14:30:00.000Z';
const OFFER_ID = '6f1c2c4e-8a51-4d36-9d44-2f4e8f0f1a01';

function freed(overrides: Record<string, unknown> = {}): FhirResource {
  return {
    resourceType: 'Appointment',
    id: 'a-1',
    meta: { versionId: '3' },
    status: 'cancelled',
    cancelationReason: { text: 'patient' },
    comment: 'private note about the cancelling patient',
    appointmentType: { coding: [{ code: 'ROUTINE' }] },
    start: START,
    end: END,
    slot: [{ reference: 'Slot/s-1' }],
    participant: [
      { actor: { reference: 'Patient/p-old' }, status: 'declined' },
      { actor: { reference: 'Practitioner/d-1' }, status: 'accepted' },
      { actor: { reference: 'Location/l-1' }, status: 'accepted' },
    ],
    ...overrides,
  };
}

function intent(overrides: Partial<BookingIntent> = {}): BookingIntent {
  return {
    offerId: OFFER_ID,
    ehrPatientId: 'p-new',
    newStart: new Date(START),
    newEnd: new Date(END),
    expectedVersion: '3',
    ...overrides,
  };
}

function facts(overrides: Partial<BookingFacts> = {}): BookingFacts {
  return {
    freed: freed(),
    freedVersion: '3',
    earlierBooking: undefined,
    slots: [{ resourceType: 'Slot', id: 's-1', status: 'free' }],
    ...overrides,
  };
}

describe(planBooking.name, () => {
  it('should book the acceptor with the freed practitioner, location, type and Slot, marked with the offer', () => {
    const sut = planBooking(intent(), facts());

    expect(sut).toEqual({
      kind: 'create',
      appointment: {
        resourceType: 'Appointment',
        identifier: [{ system: WAITLIST_BOOKING_IDENTIFIER_SYSTEM, value: OFFER_ID }],
        status: 'booked',
        appointmentType: { coding: [{ code: 'ROUTINE' }] },
        start: START,
        end: END,
        minutesDuration: 30,
        slot: [{ reference: 'Slot/s-1' }],
        participant: [
          { actor: { reference: 'Patient/p-new' }, required: 'required', status: 'accepted' },
          { actor: { reference: 'Practitioner/d-1' }, status: 'accepted' },
          { actor: { reference: 'Location/l-1' }, status: 'accepted' },
        ],
      },
    });
  });

  it('should refuse as SLOT_TAKEN when staff changed the freed appointment since (another version)', () => {
    const sut = planBooking(intent(), facts({ freedVersion: '4' }));

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.SLOT_TAKEN });
  });

  it('should refuse as SLOT_TAKEN when the freed appointment occupies the time again', () => {
    const sut = planBooking(
      intent({ expectedVersion: null }),
      facts({ freed: freed({ status: 'booked' }) }),
    );

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.SLOT_TAKEN });
  });

  it('should refuse as SLOT_TAKEN when the Slot is busy or unknown', () => {
    const busy = planBooking(
      intent(),
      facts({ slots: [{ resourceType: 'Slot', id: 's-1', status: 'busy' }] }),
    );
    const unknown = planBooking(intent(), facts({ slots: [undefined] }));

    expect([busy, unknown]).toEqual([
      { kind: 'refuse', reason: WriteBackFailureReason.SLOT_TAKEN },
      { kind: 'refuse', reason: WriteBackFailureReason.SLOT_TAKEN },
    ]);
  });

  it('should not hand on the Slots of an appointment that moved away (they are its new time)', () => {
    const moved = freed({
      status: 'booked',
      start: '2031-03-11T14:00:00.000Z',
      end: '2031-03-11T14:30:00.000Z',
      slot: [{ reference: 'Slot/s-9' }],
    });

    const sut = planBooking(intent(), facts({ freed: moved, slots: [] }));

    expect(slotsToCheck(intent(), moved)).toEqual([]);
    expect(sut.kind).toBe('create');
    expect(sut.kind === 'create' ? sut.appointment.slot : 'no plan').toBeUndefined();
  });

  it('should take an earlier booking of the same offer for done (a retry never books twice)', () => {
    const earlier: FhirResource = { resourceType: 'Appointment', id: 'a-2', status: 'booked' };

    const sut = planBooking(intent(), facts({ earlierBooking: earlier }));

    expect(sut).toEqual({ kind: 'already-booked', appointment: earlier });
  });

  it("should refuse without the acceptor's EHR id", () => {
    const sut = planBooking(intent({ ehrPatientId: null }), facts());

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.REJECTED_BY_EHR });
  });
});
