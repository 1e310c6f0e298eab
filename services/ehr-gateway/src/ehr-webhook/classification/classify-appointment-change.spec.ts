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
    sequence: 4,
    versionId: 'v1',
    contentHash: 'sha256:one',
    lifecycle: 'active',
    start: nine,
    end: nineThirty,
    sourceUpdatedAt: new Date('2030-03-01T10:00:00Z'),
    ...overrides,
  };
}

function incoming(overrides: Partial<IncomingAppointmentVersion> = {}): IncomingAppointmentVersion {
  return {
    versionId: 'v2',
    contentHash: 'sha256:two',
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
    expect(sut.nextState).toMatchObject({
      sequence: 1,
      versionId: 'v2',
      lifecycle: 'active',
      start: nine,
    });
  });

  it('should report the same version again as a duplicate and keep the state', () => {
    const sut = classifyAppointmentChange(known(), incoming({ versionId: 'v1', start: eleven }));

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
    expect(sut.nextState).toMatchObject({ versionId: 'v2', sequence: 5 });
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

  describe('without meta.versionId', () => {
    const unversioned = (overrides: Partial<AppointmentStateSnapshot> = {}) =>
      known({ versionId: undefined, sourceUpdatedAt: undefined, ...overrides });
    const delivery = (overrides: Partial<IncomingAppointmentVersion> = {}) =>
      incoming({ versionId: undefined, sourceUpdatedAt: undefined, ...overrides });

    it('should report unchanged content as a duplicate', () => {
      const sut = classifyAppointmentChange(unversioned(), delivery({ contentHash: 'sha256:one' }));

      expect(sut).toEqual({ change: { kind: 'duplicate' }, nextState: undefined });
    });

    it('should book again when content seen before returns after a cancellation', () => {
      const booked = classifyAppointmentChange(undefined, delivery({ contentHash: 'sha256:9' }));
      const cancelled = classifyAppointmentChange(
        booked.nextState,
        delivery({ contentHash: 'sha256:9-cancelled', lifecycle: 'cancelled' }),
      );
      const rebooked = classifyAppointmentChange(
        cancelled.nextState,
        delivery({ contentHash: 'sha256:9' }),
      );

      expect([booked, cancelled, rebooked].map((step) => step.change.kind)).toEqual([
        'booked',
        'cancelled',
        'booked',
      ]);
      expect([booked, cancelled, rebooked].map((step) => step.nextState?.sequence)).toEqual([
        1, 2, 3,
      ]);
    });

    it('should reschedule back when 9:00 moves to 11:00 and back to 9:00', () => {
      const atNine = classifyAppointmentChange(undefined, delivery({ contentHash: 'sha256:9' }));
      const atEleven = classifyAppointmentChange(
        atNine.nextState,
        delivery({ contentHash: 'sha256:11', start: eleven, end: elevenThirty }),
      );
      const backAtNine = classifyAppointmentChange(
        atEleven.nextState,
        delivery({ contentHash: 'sha256:9' }),
      );

      expect(backAtNine.change).toEqual({
        kind: 'rescheduled',
        previousStart: eleven,
        previousEnd: elevenThirty,
      });
      expect(backAtNine.nextState?.sequence).toBe(3);
    });
  });

  it('should ignore a numerically older meta.versionId even without lastUpdated', () => {
    const sut = classifyAppointmentChange(
      known({ versionId: '10', sourceUpdatedAt: undefined }),
      incoming({ versionId: '9', sourceUpdatedAt: undefined, lifecycle: 'cancelled' }),
    );

    expect(sut.change).toEqual({ kind: 'ignored', reason: IgnoredReason.OutOfOrder });
  });

  it('should not order opaque versionIds by their text', () => {
    const sut = classifyAppointmentChange(
      known({ versionId: 'b', sourceUpdatedAt: undefined }),
      incoming({ versionId: 'a', sourceUpdatedAt: undefined, lifecycle: 'cancelled' }),
    );

    expect(sut.change).toEqual({ kind: 'cancelled' });
  });
});
