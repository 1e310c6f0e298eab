import { WriteBackFailureReason } from '@caredispatch/contracts';

import { type FhirResource } from '../ehr-fhir/fhir-client.port';

import {
  PATIENT_CANCELLATION_REASON,
  planWriteBack,
  type WriteBackIntent,
} from './write-back-plan';

const START = '2031-03-10T14:00:00.000Z';
const END = '2031-03-10T14:30:00.000Z';

function appointment(overrides: Record<string, unknown> = {}): FhirResource {
  return {
    resourceType: 'Appointment',
    id: 'a-1',
    meta: { versionId: '4' },
    status: 'booked',
    start: START,
    end: END,
    slot: [{ reference: 'Slot/s-1' }],
    participant: [
      { actor: { reference: 'Patient/p-1' }, status: 'needs-action' },
      { actor: { reference: 'Practitioner/d-1' }, status: 'accepted' },
    ],
    ...overrides,
  };
}

function intent(overrides: Partial<WriteBackIntent> = {}): WriteBackIntent {
  return {
    action: 'confirm',
    slotId: null,
    newStart: null,
    newEnd: null,
    expectedStart: new Date(START),
    expectedEnd: new Date(END),
    ...overrides,
  };
}

const freeSlot: FhirResource = {
  resourceType: 'Slot',
  id: 's-2',
  status: 'free',
  start: '2031-03-11T09:00:00.000Z',
  end: '2031-03-11T09:30:00.000Z',
};

const update = { confirmationMarker: { type: 'none' }, rescheduleMode: 'update' } as const;

describe(planWriteBack.name, () => {
  it('should accept the patient participant and add the comment marker once', () => {
    const settings = {
      ...update,
      confirmationMarker: { type: 'comment', text: '[confirmed]' },
    } as const;

    const sut = planWriteBack(intent(), appointment({ comment: 'new patient' }), settings);

    expect(sut).toMatchObject({
      kind: 'update',
      appointment: {
        comment: 'new patient [confirmed]',
        participant: [{ status: 'accepted' }, { status: 'accepted' }],
      },
    });
    if (sut.kind !== 'update') throw new Error('expected an update');
    expect(planWriteBack(intent(), sut.appointment, settings)).toEqual({ kind: 'already-applied' });
  });

  it('should refuse a confirmation for a time staff have moved since the patient answered', () => {
    const sut = planWriteBack(intent(), appointment({ start: '2031-03-12T14:00:00.000Z' }), update);

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF });
  });

  it('should refuse to confirm an appointment staff cancelled', () => {
    const sut = planWriteBack(intent(), appointment({ status: 'cancelled' }), update);

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.APPOINTMENT_CANCELLED });
  });

  it('should cancel with reason patient, and call a second cancellation already applied', () => {
    const sut = planWriteBack(intent({ action: 'cancel' }), appointment(), update);

    expect(sut).toMatchObject({
      kind: 'update',
      appointment: { status: 'cancelled', cancelationReason: PATIENT_CANCELLATION_REASON },
    });
    expect(
      planWriteBack(intent({ action: 'cancel' }), appointment({ status: 'cancelled' }), update),
    ).toEqual({ kind: 'already-applied' });
  });

  it('should move to the free slot with its own times', () => {
    const move = intent({
      action: 'reschedule',
      slotId: 's-2',
      newStart: new Date('2031-03-11T09:00:00.000Z'),
      newEnd: new Date('2031-03-11T09:30:00.000Z'),
    });

    const sut = planWriteBack(move, appointment(), update, freeSlot);

    expect(sut).toMatchObject({
      kind: 'update',
      appointment: {
        start: freeSlot.start,
        end: freeSlot.end,
        minutesDuration: 30,
        slot: [{ reference: 'Slot/s-2' }],
      },
    });
  });

  it('should say the slot is taken when it is no longer free', () => {
    const move = intent({
      action: 'reschedule',
      slotId: 's-2',
      newStart: new Date(),
      newEnd: new Date(),
    });

    const sut = planWriteBack(move, appointment(), update, { ...freeSlot, status: 'busy' });

    expect(sut).toEqual({ kind: 'refuse', reason: WriteBackFailureReason.SLOT_TAKEN });
  });

  it('should cancel and create a booked copy when the tenant books moves that way', () => {
    const move = intent({
      action: 'reschedule',
      slotId: 's-2',
      newStart: new Date(String(freeSlot.start)),
      newEnd: new Date(String(freeSlot.end)),
    });

    const sut = planWriteBack(
      move,
      appointment(),
      { ...update, rescheduleMode: 'cancel-and-create' },
      freeSlot,
    );

    expect(sut).toMatchObject({
      kind: 'cancel-and-create',
      cancelled: { id: 'a-1', status: 'cancelled' },
      created: { status: 'booked', start: freeSlot.start, slot: [{ reference: 'Slot/s-2' }] },
    });
    if (sut.kind !== 'cancel-and-create') throw new Error('expected cancel-and-create');
    expect(sut.created).not.toHaveProperty('id');
    expect(sut.created).not.toHaveProperty('meta');
  });
});
