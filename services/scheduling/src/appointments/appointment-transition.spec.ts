import fc from 'fast-check';

import {
  AppointmentStatus,
  applyEhrChange,
  type AppointmentTransition,
  type EhrAppointmentChange,
  EhrChangeKind,
  type RecordedAppointment,
} from './appointment-transition';

const nine = new Date('2030-03-04T14:00:00.000Z');
const nineThirty = new Date('2030-03-04T14:30:00.000Z');

function recorded(overrides: Partial<RecordedAppointment> = {}): RecordedAppointment {
  return {
    status: AppointmentStatus.Booked,
    start: nine,
    end: nineThirty,
    revision: 1,
    ehrSequence: 1,
    ...overrides,
  };
}

function change(kind: EhrChangeKind, sequence = 2): EhrAppointmentChange {
  return { kind, sequence };
}

describe(applyEhrChange.name, () => {
  const sut = applyEhrChange;

  it('should book a first-seen booking at revision 1', () => {
    expect(sut(undefined, change(EhrChangeKind.Booked, 1))).toEqual({
      kind: 'book',
      status: AppointmentStatus.Booked,
      revision: 1,
    });
  });

  it('should book a first-seen reschedule, since the patient holds no booking yet', () => {
    expect(sut(undefined, change(EhrChangeKind.Rescheduled, 2)).kind).toBe('book');
  });

  it('should record a first-seen cancellation as cancelled at revision 1', () => {
    expect(sut(undefined, change(EhrChangeKind.Cancelled, 1))).toEqual({
      kind: 'cancel',
      status: AppointmentStatus.Cancelled,
      revision: 1,
    });
  });

  it('should reschedule a booked appointment with the times scheduling recorded', () => {
    expect(sut(recorded(), change(EhrChangeKind.Rescheduled))).toEqual({
      kind: 'reschedule',
      status: AppointmentStatus.Booked,
      revision: 2,
      previousStart: nine,
      previousEnd: nineThirty,
    });
  });

  it('should book again when a cancelled appointment is booked (booked → cancelled → booked)', () => {
    const sutResult = sut(
      recorded({ status: AppointmentStatus.Cancelled, revision: 2, ehrSequence: 2 }),
      change(EhrChangeKind.Booked, 3),
    );

    expect(sutResult).toEqual({ kind: 'book', status: AppointmentStatus.Booked, revision: 3 });
  });

  it('should book when a reschedule reaches a cancelled record (the booking in between was lost)', () => {
    const sutResult = sut(
      recorded({ status: AppointmentStatus.Cancelled, revision: 2, ehrSequence: 2 }),
      change(EhrChangeKind.Rescheduled, 4),
    );

    expect(sutResult.kind).toBe('book');
  });

  it('should cancel a booked appointment', () => {
    expect(sut(recorded(), change(EhrChangeKind.Cancelled))).toEqual({
      kind: 'cancel',
      status: AppointmentStatus.Cancelled,
      revision: 2,
    });
  });

  it('should refresh without an event when a cancelled appointment is cancelled again', () => {
    expect(
      sut(
        recorded({ status: AppointmentStatus.Cancelled, revision: 3, ehrSequence: 3 }),
        change(EhrChangeKind.Cancelled, 5),
      ),
    ).toEqual({ kind: 'refresh', status: AppointmentStatus.Cancelled, revision: 3 });
  });

  it('should change nothing for a replay of the recorded change', () => {
    expect(sut(recorded({ ehrSequence: 3 }), change(EhrChangeKind.Booked, 3))).toEqual({
      kind: 'stale',
    });
  });

  it('should change nothing for a stale booking after a newer cancellation', () => {
    const cancelledAt3 = recorded({ status: AppointmentStatus.Cancelled, ehrSequence: 3 });

    expect(sut(cancelledAt3, change(EhrChangeKind.Booked, 1))).toEqual({ kind: 'stale' });
  });

  it('should never let an unsequenced change alter a recorded appointment', () => {
    expect(sut(recorded({ ehrSequence: 0 }), change(EhrChangeKind.Cancelled, 0))).toEqual({
      kind: 'stale',
    });
  });

  it('should end in the state of the highest sequence whatever order changes arrive in', () => {
    const kinds = fc.constantFrom(
      EhrChangeKind.Booked,
      EhrChangeKind.Rescheduled,
      EhrChangeKind.Cancelled,
    );
    const arrivals = fc
      .array(kinds, { minLength: 1, maxLength: 8 })
      .map((list) => list.map((kind, index) => change(kind, index + 1)))
      .chain((changes) =>
        fc.tuple(
          fc.constant(changes),
          fc.shuffledSubarray(changes, { minLength: changes.length, maxLength: changes.length }),
        ),
      );
    fc.assert(
      fc.property(arrivals, ([changes, arrivalOrder]) => {
        const final = arrivalOrder.reduce<RecordedAppointment | undefined>(
          (state, next) => applied(state, sut(state, next), next.sequence),
          undefined,
        );

        const last = changes[changes.length - 1];
        expect(final?.status).toBe(
          last.kind === EhrChangeKind.Cancelled
            ? AppointmentStatus.Cancelled
            : AppointmentStatus.Booked,
        );
        expect(final?.ehrSequence).toBe(last.sequence);
      }),
    );
  });
});

/** What the sync service stores for a transition. */
function applied(
  state: RecordedAppointment | undefined,
  transition: AppointmentTransition,
  sequence: number,
): RecordedAppointment | undefined {
  if (transition.kind === 'stale') return state;
  return {
    status: transition.status,
    start: nine,
    end: nineThirty,
    revision: transition.revision,
    ehrSequence: sequence,
  };
}
