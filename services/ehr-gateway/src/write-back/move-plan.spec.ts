import { WriteBackFailureReason } from '@caredispatch/contracts';

import { type FhirResource } from '../ehr-fhir/fhir-client.port';

import {
  carriesOffer,
  type MoveFacts,
  type MoveIntent,
  planMove,
  WAITLIST_BOOKING_IDENTIFIER_SYSTEM,
} from './booking-plan';

const FREED_START = '2031-03-10T14:00:00.000Z';
const FREED_END = '2031-03-10T14:30:00.000Z';
const KEPT_START = '2031-03-20T09:00:00.000Z';
const KEPT_END = '2031-03-20T09:30:00.000Z';
const OFFER_ID = '6f1c2c4e-8a51-4d36-9d44-2f4e8f0f1a01';
const OURS = { system: WAITLIST_BOOKING_IDENTIFIER_SYSTEM, value: OFFER_ID };

function freed(overrides: Record<string, unknown> = {}): FhirResource {
  return {
    resourceType: 'Appointment',
    id: 'a-freed',
    meta: { versionId: '3' },
    status: 'cancelled',
    start: FREED_START,
    end: FREED_END,
    slot: [{ reference: 'Slot/s-freed' }],
    participant: [
      { actor: { reference: 'Patient/p-old' }, status: 'declined' },
      { actor: { reference: 'Practitioner/d-1' }, status: 'accepted' },
      { actor: { reference: 'Location/l-1' }, status: 'accepted' },
    ],
    ...overrides,
  };
}

function kept(overrides: Record<string, unknown> = {}): FhirResource {
  return {
    resourceType: 'Appointment',
    id: 'a-kept',
    meta: { versionId: '7' },
    status: 'booked',
    identifier: [{ system: 'urn:practice', value: 'V-42' }],
    appointmentType: { coding: [{ code: 'FOLLOWUP' }] },
    comment: 'staff note',
    start: KEPT_START,
    end: KEPT_END,
    minutesDuration: 30,
    slot: [{ reference: 'Slot/s-kept' }],
    participant: [
      { actor: { reference: 'Patient/p-keeper' }, status: 'accepted' },
      { actor: { reference: 'Practitioner/d-2' }, status: 'accepted' },
      { actor: { reference: 'Location/l-2' }, status: 'accepted' },
    ],
    ...overrides,
  };
}

function intent(overrides: Partial<MoveIntent> = {}): MoveIntent {
  return {
    offerId: OFFER_ID,
    newStart: new Date(FREED_START),
    newEnd: new Date(FREED_END),
    expectedVersion: '3',
    keptVersion: '7',
    keptStart: new Date(KEPT_START),
    keptEnd: new Date(KEPT_END),
    ...overrides,
  };
}

function facts(overrides: Partial<MoveFacts> = {}): MoveFacts {
  return {
    kept: kept(),
    keptVersion: '7',
    freed: freed(),
    freedVersion: '3',
    slots: [{ resourceType: 'Slot', id: 's-freed', status: 'free' }],
    ...overrides,
  };
}

describe(planMove.name, () => {
  it('should move the kept visit to the freed time with the freed practitioner, location and Slot', () => {
    const sut = planMove(intent(), facts());

    expect(sut).toEqual({
      kind: 'update',
      appointment: {
        resourceType: 'Appointment',
        id: 'a-kept',
        meta: { versionId: '7' },
        status: 'booked',
        identifier: [{ system: 'urn:practice', value: 'V-42' }, OURS],
        appointmentType: { coding: [{ code: 'FOLLOWUP' }] },
        comment: 'staff note',
        start: FREED_START,
        end: FREED_END,
        minutesDuration: 30,
        slot: [{ reference: 'Slot/s-freed' }],
        participant: [
          { actor: { reference: 'Patient/p-keeper' }, status: 'accepted' },
          { actor: { reference: 'Practitioner/d-1' }, status: 'accepted' },
          { actor: { reference: 'Location/l-1' }, status: 'accepted' },
        ],
      },
    });
  });

  it('should drop the kept visit old Slots when the freed time has none to hand on', () => {
    // The freed appointment was moved away (not cancelled): its Slots are its new time's.
    const sut = planMove(
      intent(),
      facts({
        freed: freed({ status: 'booked', start: KEPT_END, end: '2031-03-20T10:00:00.000Z' }),
        slots: [],
      }),
    );

    expect(sut.kind).toBe('update');
    expect(sut.kind === 'update' && sut.appointment.slot).toBeUndefined();
  });

  it('should answer an earlier attempt already done (our identifier, at the freed time) as moved', () => {
    const moved = kept({
      meta: { versionId: '8' },
      identifier: [OURS],
      start: FREED_START,
      end: FREED_END,
    });

    const sut = planMove(intent(), facts({ kept: moved, keptVersion: '8' }));

    expect(sut).toEqual({ kind: 'already-moved', appointment: moved });
  });

  it('should not take another offer identifier at the freed time for our move', () => {
    const other = kept({
      meta: { versionId: '8' },
      identifier: [{ ...OURS, value: 'another-offer' }],
      start: FREED_START,
      end: FREED_END,
    });

    const sut = planMove(intent(), facts({ kept: other, keptVersion: '8' }));

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.KEPT_VISIT_CHANGED });
  });

  it.each(['cancelled', 'entered-in-error', 'noshow'])(
    'should refuse KEPT_VISIT_CHANGED when the kept visit is %s',
    (status) => {
      const sut = planMove(intent(), facts({ kept: kept({ status }) }));

      expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.KEPT_VISIT_CHANGED });
    },
  );

  it('should refuse KEPT_VISIT_CHANGED when staff moved the kept visit since (other version, other time)', () => {
    const sut = planMove(
      intent(),
      facts({
        kept: kept({ start: '2031-03-21T09:00:00.000Z', end: '2031-03-21T09:30:00.000Z' }),
        keptVersion: '8',
      }),
    );

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.KEPT_VISIT_CHANGED });
  });

  it('should move a kept visit whose version changed but which still sits where it was last seen', () => {
    // e.g. the patient confirmed it on the same page: that write publishes nothing to the waitlist.
    const sut = planMove(
      intent(),
      facts({ kept: kept({ meta: { versionId: '8' } }), keptVersion: '8' }),
    );

    expect(sut.kind).toBe('update');
  });

  it('should refuse KEPT_VISIT_CHANGED when the version changed and the gateway never saw the kept visit', () => {
    const sut = planMove(intent({ keptStart: null, keptEnd: null }), facts({ keptVersion: '8' }));

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.KEPT_VISIT_CHANGED });
  });

  it('should judge by the last-seen time when the waitlist did not know the kept version', () => {
    expect(planMove(intent({ keptVersion: null }), facts()).kind).toBe('update');
    expect(planMove(intent({ keptVersion: null, keptStart: new Date(KEPT_END) }), facts())).toEqual(
      { kind: 'refuse', reason: WriteBackFailureReason.KEPT_VISIT_CHANGED },
    );
  });

  it('should refuse SLOT_TAKEN when the freed appointment changed since the waitlist saw it', () => {
    const sut = planMove(intent(), facts({ freedVersion: '4' }));

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.SLOT_TAKEN });
  });

  it('should refuse SLOT_TAKEN when the freed appointment occupies the time again', () => {
    const sut = planMove(intent(), facts({ freed: freed({ status: 'booked' }) }));

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.SLOT_TAKEN });
  });

  it.each([
    ['busy', [{ resourceType: 'Slot', id: 's-freed', status: 'busy' }]],
    ['unknown to the EHR', [undefined]],
    ['missing from the read', []],
  ])('should refuse SLOT_TAKEN when the freed Slot is %s', (_case, slots) => {
    const sut = planMove(intent(), facts({ slots }));

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.SLOT_TAKEN });
  });

  it('should refuse REJECTED_BY_EHR without a freed time or without a patient on the kept visit', () => {
    expect(planMove(intent({ newStart: null }), facts())).toEqual({
      kind: 'refuse',
      reason: WriteBackFailureReason.REJECTED_BY_EHR,
    });
    const noPatient = kept({
      participant: [{ actor: { reference: 'Practitioner/d-2' }, status: 'accepted' }],
    });
    expect(planMove(intent(), facts({ kept: noPatient }))).toEqual({
      kind: 'refuse',
      reason: WriteBackFailureReason.REJECTED_BY_EHR,
    });
  });
});

describe(carriesOffer.name, () => {
  it('should recognise our identifier for this offer only', () => {
    expect(carriesOffer(kept({ identifier: [OURS] }), OFFER_ID)).toBe(true);
    expect(carriesOffer(kept({ identifier: [OURS] }), 'other')).toBe(false);
    expect(
      carriesOffer(kept({ identifier: [{ system: 'urn:x', value: OFFER_ID }] }), OFFER_ID),
    ).toBe(false);
    expect(carriesOffer(kept({ identifier: 'not-an-array' }), OFFER_ID)).toBe(false);
  });
});
