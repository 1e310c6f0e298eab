import {
  type Appointment,
  checkSolution,
  type Problem,
  type Solution,
  solveSync,
} from '@caredispatch/optimizer';

import { replanBookingChange } from './booking-replan';

const HOUR = 3600;
const DAY = 24 * HOUR;
const OPTIONS = { maxIterations: 60, seed: 1, polish: false };

/** Providers with one 08:00–17:00 shift on each of `days` days, visits as given. */
function practice(providers: readonly string[], days: number, visits: Appointment[]): Problem {
  return {
    locations: Array.from({ length: 40 }, (_, i) => ({
      id: `l${i}`,
      coordinates: { lat: 40.7 + ((i * 37) % 100) / 900, lon: -74 + ((i * 53) % 100) / 800 },
    })),
    providers: providers.map((id) => ({
      id,
      credentials: ['RN'],
      startLocation: 0,
      endLocation: 0,
      availability: Array.from({ length: days }, (_, d) => ({
        start: d * DAY + 8 * HOUR,
        end: d * DAY + 17 * HOUR,
      })),
    })),
    appointments: visits,
  };
}

function visit(id: string, location: number, from: number, until: number): Appointment {
  return {
    id,
    location,
    durationSeconds: 2700,
    requiredCredentials: ['RN'],
    timeWindows: [{ start: from, end: until }],
  };
}

function assignments(solution: Solution): Map<string, { providerId: string; start: number }> {
  return new Map(
    solution.itineraries.flatMap((i) =>
      i.stops.map((s) => [s.appointmentId, { providerId: i.providerId, start: s.start }] as const),
    ),
  );
}

describe(replanBookingChange.name, () => {
  it('should fit a new booking into one itinerary and keep every other visit with its provider and start', () => {
    const visits = Array.from({ length: 24 }, (_, i) =>
      visit(
        `v${i}`,
        1 + i,
        Math.floor(i / 8) * DAY + (8 + (i % 8)) * HOUR,
        Math.floor(i / 8) * DAY + (10 + (i % 8)) * HOUR,
      ),
    );
    const problem = practice(['rn-a', 'rn-b', 'rn-c', 'rn-d'], 3, visits);
    const plan = solveSync(problem, { maxIterations: 200, seed: 1 });
    const added = visit('late', 30, DAY + 11 * HOUR, DAY + 13 * HOUR);

    const sut = replanBookingChange(
      {
        problem,
        plan,
        changes: [{ kind: 'appointment-added', appointment: added }],
        freezeTime: 0,
      },
      OPTIONS,
      { from: DAY, until: 2 * DAY },
    );

    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    const after = assignments(sut.solution);
    expect(after.has('late')).toBe(true);
    for (const [id, before] of assignments(plan)) expect(after.get(id)).toEqual(before);
    // The pins were only for the search: a later call-out may move these visits again.
    expect(sut.problem.appointments.filter((a) => a.id !== 'late')).toEqual(visits);
  });

  it("should re-plan only the booking's day when the booking cannot fit around the visits as sent", () => {
    const monday = visit('mon', 1, 9 * HOUR, 13 * HOUR);
    const tuesday = visit('tue', 2, DAY + 8 * HOUR, DAY + 16 * HOUR);
    const problem = practice(['rn-a'], 2, [monday, tuesday]);
    const plan = solveSync(problem, { maxIterations: 100, seed: 1 });
    const before = assignments(plan);
    const mondayStart = before.get('mon')?.start ?? 0;
    // Same place, same time as the Monday visit: only possible if that visit moves.
    const added: Appointment = {
      id: 'late',
      location: 1,
      durationSeconds: 1800,
      requiredCredentials: ['RN'],
      fixedStart: mondayStart,
    };

    const sut = replanBookingChange(
      {
        problem,
        plan,
        changes: [{ kind: 'appointment-added', appointment: added }],
        freezeTime: 0,
      },
      OPTIONS,
      { from: 0, until: DAY },
    );

    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    const after = assignments(sut.solution);
    expect(after.get('late')).toEqual({ providerId: 'rn-a', start: mondayStart });
    expect(after.get('mon')?.start).toBeGreaterThan(mondayStart);
    expect(after.get('tue')).toEqual(before.get('tue'));
  });

  it('should free the gap of a cancelled visit and leave every other visit as it was', () => {
    const visits = Array.from({ length: 6 }, (_, i) =>
      visit(`v${i}`, 1 + i, (8 + i) * HOUR, (10 + i) * HOUR),
    );
    const problem = practice(['rn-a', 'rn-b'], 1, visits);
    const plan = solveSync(problem, { maxIterations: 100, seed: 1 });

    const sut = replanBookingChange(
      {
        problem,
        plan,
        changes: [{ kind: 'appointment-cancelled', appointmentId: 'v2' }],
        freezeTime: 0,
      },
      OPTIONS,
      { from: 0, until: DAY },
    );

    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    const expected = assignments(plan);
    expected.delete('v2');
    expect(assignments(sut.solution)).toEqual(expected);
  });
});
