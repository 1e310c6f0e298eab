import {
  type AppointmentStory,
  type Delivery,
  MOVED_START,
  type StreamedAppointment,
} from './booking-stream';
import { type FaultEvidence, judgeFault, type RecordedAppointment } from './fault-outcome';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const CONFIRMED = 'Practice: your appointment is confirmed for Thu, Mar 14 at 9:30 AM EDT.';
const MOVED = 'Practice: your appointment has been moved to Thu, Mar 14 at 11:00 AM EDT.';

function delivery(
  kind: AppointmentStory,
  at: number,
  result: Delivery['result'] = 'accepted',
): Delivery {
  return { kind, firstPostedAt: at, answeredAt: at + 10, result, attempts: 1, lastAnswer: '202' };
}

function appointment(index: number, story: AppointmentStory): StreamedAppointment {
  const deliveries = [delivery('booked', T0)];
  if (story !== 'booked') deliveries.push(delivery(story, T0 + 3_000));
  return {
    index,
    appointmentId: `a-${index}`,
    phoneE164: `+1332200000${index}`,
    story,
    deliveries,
  };
}

function recorded(
  index: number,
  status: string,
  changedAt: number,
  start = '2030-03-14T09:30:00-04:00',
): RecordedAppointment {
  return {
    ehrAppointmentId: `a-${index}`,
    status,
    startAt: new Date(start),
    updatedAt: new Date(changedAt),
  };
}

function evidence(overrides: Partial<FaultEvidence>): FaultEvidence {
  return {
    appointments: [],
    texts: [],
    recorded: [],
    deadLetters: 0,
    auditValid: true,
    auditMissing: 0,
    ...overrides,
  };
}

describe(judgeFault.name, () => {
  it('should pass a booking confirmed once', () => {
    const sut = judgeFault(
      evidence({
        appointments: [appointment(1, 'booked')],
        texts: [{ to: '+13322000001', body: CONFIRMED, createdAt: T0 + 400 }],
        recorded: [recorded(1, 'booked', T0 + 100)],
      }),
    );

    expect(sut).toMatchObject({
      accepted: 1,
      missing: 0,
      duplicates: 0,
      maxLatencyMs: 400,
      violations: [],
    });
  });

  it('should count a second identical text as a duplicate', () => {
    const text = { to: '+13322000001', body: CONFIRMED, createdAt: T0 + 400 };

    const sut = judgeFault(
      evidence({
        appointments: [appointment(1, 'booked')],
        texts: [text, { ...text, createdAt: T0 + 9_000 }],
        recorded: [recorded(1, 'booked', T0 + 100)],
      }),
    );

    expect(sut.duplicates).toBe(1);
    expect(sut.violations).toEqual([expect.stringContaining('1 duplicate texts')]);
  });

  it('should flag a confirmation sent after scheduling recorded the cancellation', () => {
    const sut = judgeFault(
      evidence({
        appointments: [appointment(1, 'cancelled')],
        texts: [{ to: '+13322000001', body: CONFIRMED, createdAt: T0 + 5_000 }],
        recorded: [recorded(1, 'cancelled', T0 + 3_100)],
      }),
    );

    expect(sut.afterCancellation).toBe(1);
  });

  it('should judge a cancellation from the moment messaging consumed it', () => {
    const consumed = {
      ...recorded(1, 'cancelled', T0 + 3_100),
      messagingUpdatedAt: new Date(T0 + 6_000),
    };

    const sut = judgeFault(
      evidence({
        appointments: [appointment(1, 'cancelled')],
        texts: [{ to: '+13322000001', body: CONFIRMED, createdAt: T0 + 5_000 }],
        recorded: [consumed],
      }),
    );

    expect(sut.afterCancellation).toBe(0);
  });

  it('should judge a recorded text by when messaging decided to send it', () => {
    const consumed = {
      ...recorded(1, 'cancelled', T0 + 3_100),
      messagingUpdatedAt: new Date(T0 + 4_000),
    };
    const text = { to: '+13322000001', body: CONFIRMED, createdAt: T0 + 5_000 };

    const inFlight = judgeFault(
      evidence({
        appointments: [appointment(1, 'cancelled')],
        texts: [{ ...text, decidedAt: T0 + 3_900 }],
        recorded: [consumed],
      }),
    );
    const decidedLate = judgeFault(
      evidence({
        appointments: [appointment(1, 'cancelled')],
        texts: [{ ...text, decidedAt: T0 + 4_100 }],
        recorded: [consumed],
      }),
    );

    expect([inFlight.afterCancellation, decidedLate.afterCancellation]).toEqual([0, 1]);
  });

  it('should accept a confirmation that went out before the cancellation', () => {
    const sut = judgeFault(
      evidence({
        appointments: [appointment(1, 'cancelled')],
        texts: [{ to: '+13322000001', body: CONFIRMED, createdAt: T0 + 300 }],
        recorded: [recorded(1, 'cancelled', T0 + 3_100)],
      }),
    );

    expect(sut.violations).toEqual([]);
  });

  it('should require a text naming the new time of a moved appointment', () => {
    const sut = judgeFault(
      evidence({
        appointments: [appointment(1, 'rescheduled')],
        texts: [{ to: '+13322000001', body: CONFIRMED, createdAt: T0 + 300 }],
        recorded: [recorded(1, 'booked', T0 + 3_100, MOVED_START)],
      }),
    );

    expect(sut.missing).toBe(1);
  });

  it('should pass a move confirmed once after the first confirmation', () => {
    const sut = judgeFault(
      evidence({
        appointments: [appointment(1, 'rescheduled')],
        texts: [
          { to: '+13322000001', body: CONFIRMED, createdAt: T0 + 300 },
          { to: '+13322000001', body: MOVED, createdAt: T0 + 3_400 },
        ],
        recorded: [recorded(1, 'booked', T0 + 3_100, MOVED_START)],
      }),
    );

    expect(sut.violations).toEqual([]);
  });

  it('should flag an appointment scheduling still holds as booked after its cancellation', () => {
    const sut = judgeFault(
      evidence({
        appointments: [appointment(1, 'cancelled')],
        recorded: [recorded(1, 'booked', T0 + 100)],
      }),
    );

    expect(sut.wrongState).toBe(1);
  });

  it('should leave out bookings the gateway never accepted', () => {
    const refused = {
      ...appointment(1, 'booked'),
      deliveries: [delivery('booked', T0, 'unknown')],
    };

    const sut = judgeFault(evidence({ appointments: [refused] }));

    expect(sut).toMatchObject({ accepted: 0, notAccepted: 1, violations: [] });
  });

  it('should fail on dead letters, missing audit events and a broken chain', () => {
    const sut = judgeFault(evidence({ deadLetters: 2, auditMissing: 3, auditValid: false }));

    expect(sut.violations).toEqual([
      '2 dead letters',
      '3 events missing from the audit trail',
      'audit chain does not verify',
    ]);
  });
});
