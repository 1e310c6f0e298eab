import {
  AppointmentStatus,
  decideTransition,
  type EhrAppointmentChange,
  EhrIntent,
  type RecordedAppointment,
} from './appointment-transition';

const nine = new Date('2030-03-04T14:00:00.000Z');
const nineThirty = new Date('2030-03-04T14:30:00.000Z');
const ten = new Date('2030-03-04T15:00:00.000Z');
const tenThirty = new Date('2030-03-04T15:30:00.000Z');

function recorded(overrides: Partial<RecordedAppointment> = {}): RecordedAppointment {
  return {
    status: AppointmentStatus.Booked,
    start: nine,
    end: nineThirty,
    revision: 1,
    ...overrides,
  };
}

function change(overrides: Partial<EhrAppointmentChange> = {}): EhrAppointmentChange {
  return {
    intent: EhrIntent.Active,
    start: nine,
    end: nineThirty,
    versionAlreadyApplied: false,
    ...overrides,
  };
}

describe(decideTransition.name, () => {
  const sut = decideTransition;

  it('should book a first-seen active appointment at revision 1', () => {
    expect(sut(undefined, change())).toEqual({
      kind: 'book',
      status: AppointmentStatus.Booked,
      revision: 1,
    });
  });

  it('should record a first-seen cancellation as cancelled at revision 1', () => {
    expect(sut(undefined, change({ intent: EhrIntent.Cancelled }))).toEqual({
      kind: 'cancel',
      status: AppointmentStatus.Cancelled,
      revision: 1,
    });
  });

  it('should change nothing when the EHR version was already applied', () => {
    expect(
      sut(recorded(), change({ versionAlreadyApplied: true, start: ten, end: tenThirty })),
    ).toEqual({
      kind: 'duplicate',
    });
  });

  it('should reschedule with the previous times and the next revision when the start moves', () => {
    expect(sut(recorded({ revision: 1 }), change({ start: ten, end: tenThirty }))).toEqual({
      kind: 'reschedule',
      status: AppointmentStatus.Booked,
      revision: 2,
      previousStart: nine,
      previousEnd: nineThirty,
    });
  });

  it('should reschedule when only the end moves', () => {
    expect(sut(recorded({ revision: 3 }), change({ end: ten }))).toMatchObject({
      kind: 'reschedule',
      revision: 4,
    });
  });

  it('should compare instants, not Date identities', () => {
    const sameStart = new Date(nine.getTime());
    const sameEnd = new Date(nineThirty.getTime());
    expect(sut(recorded(), change({ start: sameStart, end: sameEnd }))).toEqual({
      kind: 'refresh',
      status: AppointmentStatus.Booked,
      revision: 1,
    });
  });

  it('should cancel a booked appointment at the next revision', () => {
    expect(sut(recorded({ revision: 2 }), change({ intent: EhrIntent.Cancelled }))).toEqual({
      kind: 'cancel',
      status: AppointmentStatus.Cancelled,
      revision: 3,
    });
  });

  it('should only refresh a cancelled appointment that is cancelled again under a new version', () => {
    expect(
      sut(
        recorded({ status: AppointmentStatus.Cancelled, revision: 2 }),
        change({ intent: EhrIntent.Cancelled }),
      ),
    ).toEqual({ kind: 'refresh', status: AppointmentStatus.Cancelled, revision: 2 });
  });

  it('should book again when a cancelled appointment becomes active', () => {
    expect(sut(recorded({ status: AppointmentStatus.Cancelled, revision: 2 }), change())).toEqual({
      kind: 'book',
      status: AppointmentStatus.Booked,
      revision: 3,
    });
  });
});
