import {
  type AppointmentStateSnapshot,
  classifyAppointmentChange,
  IgnoredReason,
  type IncomingAppointmentVersion,
} from './classify-appointment-change';

const nine = new Date('2030-03-14T13:00:00Z');
const nineThirty = new Date('2030-03-14T13:30:00Z');
const eleven = new Date('2030-03-14T15:00:00Z');
const elevenThirty = new Date('2030-03-14T15:30:00Z');

function known(overrides: Partial<AppointmentStateSnapshot> = {}): AppointmentStateSnapshot {
  return {
    version: '1',
    lifecycle: 'active',
    start: nine,
    end: nineThirty,
    sourceUpdatedAt: new Date('2030-03-01T10:00:00Z'),
    ...overrides,
  };
}

function incoming(overrides: Partial<IncomingAppointmentVersion> = {}): IncomingAppointmentVersion {
  return {
    version: '2',
    lifecycle: 'active',
    start: nine,
    end: nineThirty,
    sourceUpdatedAt: new Date('2030-03-02T10:00:00Z'),
    ...overrides,
  };
}

describe(classifyAppointmentChange.name, () => {
  it('should book an appointment seen for the first time', () => {
    const sut = classifyAppointmentChange(undefined, incoming());

    expect(sut.change).toEqual({ kind: 'booked' });
    expect(sut.nextState).toMatchObject({ version: '2', lifecycle: 'active', start: nine });
  });

  it('should report the same version again as a duplicate and keep the state', () => {
    const sut = classifyAppointmentChange(known(), incoming({ version: '1', start: eleven }));

    expect(sut).toEqual({ change: { kind: 'duplicate' }, nextState: undefined });
  });

  it('should reschedule when the start moves, carrying the previous times', () => {
    const sut = classifyAppointmentChange(known(), incoming({ start: eleven, end: elevenThirty }));

    expect(sut.change).toEqual({
      kind: 'rescheduled',
      previousStart: nine,
      previousEnd: nineThirty,
    });
    expect(sut.nextState?.start).toEqual(eleven);
  });

  it('should reschedule when only the end moves', () => {
    const sut = classifyAppointmentChange(known(), incoming({ end: eleven }));

    expect(sut.change.kind).toBe('rescheduled');
  });

  it('should ignore a new version that does not move the appointment but remember it', () => {
    const sut = classifyAppointmentChange(known(), incoming());

    expect(sut.change).toEqual({ kind: 'ignored', reason: IgnoredReason.NoScheduleChange });
    expect(sut.nextState?.version).toBe('2');
  });

  it('should cancel an active appointment', () => {
    const sut = classifyAppointmentChange(known(), incoming({ lifecycle: 'cancelled' }));

    expect(sut.change).toEqual({ kind: 'cancelled' });
    expect(sut.nextState?.lifecycle).toBe('cancelled');
  });

  it('should publish a cancellation seen before any booking', () => {
    const sut = classifyAppointmentChange(undefined, incoming({ lifecycle: 'cancelled' }));

    expect(sut.change).toEqual({ kind: 'cancelled' });
  });

  it('should ignore further edits to a cancelled appointment', () => {
    const sut = classifyAppointmentChange(
      known({ lifecycle: 'cancelled' }),
      incoming({ lifecycle: 'cancelled', start: eleven }),
    );

    expect(sut.change).toEqual({ kind: 'ignored', reason: IgnoredReason.AlreadyCancelled });
  });

  it('should book again when a cancelled appointment is reinstated', () => {
    const sut = classifyAppointmentChange(known({ lifecycle: 'cancelled' }), incoming());

    expect(sut.change).toEqual({ kind: 'booked' });
  });

  it('should ignore statuses it does not track without touching the state', () => {
    const sut = classifyAppointmentChange(known(), incoming({ lifecycle: 'untracked' }));

    expect(sut).toEqual({
      change: { kind: 'ignored', reason: IgnoredReason.StatusNotTracked },
      nextState: undefined,
    });
  });

  it('should ignore a delivery older than the stored version so a late retry cannot undo a change', () => {
    const sut = classifyAppointmentChange(
      known({ lifecycle: 'cancelled' }),
      incoming({ sourceUpdatedAt: new Date('2030-02-28T10:00:00Z') }),
    );

    expect(sut).toEqual({
      change: { kind: 'ignored', reason: IgnoredReason.OutOfOrder },
      nextState: undefined,
    });
  });

  it('should not judge order when the EHR sends no lastUpdated', () => {
    const sut = classifyAppointmentChange(
      known({ sourceUpdatedAt: undefined }),
      incoming({ sourceUpdatedAt: undefined, lifecycle: 'cancelled' }),
    );

    expect(sut.change).toEqual({ kind: 'cancelled' });
  });
});
