import fc from 'fast-check';

import { checkSolution } from '../checker';
import { solveSync } from '../heuristic';
import { problemArbitrary } from '../testing/random-problem';

import { replan } from './replan';

import type { Problem } from '../model';

const HOUR = 3600;

/** Twelve nurses, sixty visits spread over a day in a 15 km patch. */
function practiceDay(): Problem {
  const locations = Array.from({ length: 73 }, (_, i) => ({
    id: `l${i}`,
    coordinates: { lat: 40.7 + ((i * 37) % 100) / 800, lon: -74 + ((i * 53) % 100) / 700 },
  }));
  return {
    locations,
    providers: Array.from({ length: 12 }, (_, i) => ({
      id: `rn-${i}`,
      credentials: ['RN'],
      startLocation: i,
      endLocation: i,
      availability: [{ start: 8 * HOUR, end: 17 * HOUR }],
    })),
    appointments: Array.from({ length: 60 }, (_, i) => ({
      id: `visit-${i}`,
      location: 12 + i,
      durationSeconds: 2700,
      requiredCredentials: ['RN'],
      timeWindows: [{ start: (8 + (i % 8)) * HOUR, end: (9 + (i % 8)) * HOUR }],
    })),
  };
}

describe(replan.name, () => {
  it('should move the visits of a provider who calls out at 10:00 and keep the started ones', () => {
    const problem = practiceDay();
    const plan = solveSync(problem, { maxIterations: 200 });
    const sut = replan(
      {
        problem,
        plan,
        changes: [{ kind: 'provider-unavailable', providerId: 'rn-3', from: 10 * HOUR }],
        freezeTime: 10 * HOUR,
      },
      { maxIterations: 100 },
    );
    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    const rn3 = sut.solution.itineraries.find((i) => i.providerId === 'rn-3')!;
    expect(rn3.stops.every((s) => s.start < 10 * HOUR)).toBe(true);
    const moved = sut.changedAssignments.filter((c) => c.fromProviderId !== 'rn-3');
    expect(moved.length).toBeLessThanOrEqual(sut.changedAssignments.length);
    expect(sut.noLongerServed.every((u) => sut.solution.unserved.includes(u))).toBe(true);
  });

  it('should never move frozen visits and pass the checker after random changes', () => {
    fc.assert(
      fc.property(
        problemArbitrary({ maxAppointments: 10 }),
        fc.integer({ min: 7, max: 15 }),
        fc.boolean(),
        (problem, hour, cancelFirst) => {
          const plan = solveSync(problem, { maxIterations: 30 });
          const freezeTime = hour * HOUR;
          const served = plan.itineraries.flatMap((i) =>
            i.stops.map((s) => ({ providerId: i.providerId, stop: s })),
          );
          const sut = replan(
            {
              problem,
              plan,
              freezeTime,
              changes: [
                {
                  kind: 'provider-unavailable',
                  providerId: problem.providers[0].id,
                  from: freezeTime,
                },
                ...(cancelFirst
                  ? [
                      {
                        kind: 'appointment-cancelled' as const,
                        appointmentId: problem.appointments[0].id,
                      },
                    ]
                  : []),
                {
                  kind: 'appointment-added',
                  appointment: { id: 'new', location: 0, durationSeconds: 1200 },
                },
              ],
            },
            { maxIterations: 30 },
          );
          expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
          const after = new Map(
            sut.solution.itineraries.flatMap((i) =>
              i.stops.map((s) => [s.appointmentId, { providerId: i.providerId, start: s.start }]),
            ),
          );
          for (const { providerId, stop } of served.filter((x) => x.stop.start < freezeTime)) {
            expect(after.get(stop.appointmentId)).toEqual({ providerId, start: stop.start });
          }
          for (const itinerary of sut.solution.itineraries) {
            for (const stop of itinerary.stops) {
              const wasFrozen = served.some(
                (x) => x.stop.appointmentId === stop.appointmentId && x.stop.start < freezeTime,
              );
              if (!wasFrozen) expect(stop.start).toBeGreaterThanOrEqual(freezeTime);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('should drop a cancelled appointment that has not started', () => {
    const problem = practiceDay();
    const plan = solveSync(problem, { maxIterations: 50 });
    const sut = replan(
      {
        problem,
        plan,
        changes: [{ kind: 'appointment-cancelled', appointmentId: 'visit-7' }],
        freezeTime: 8 * HOUR,
      },
      { maxIterations: 50 },
    );
    expect(sut.problem.appointments.some((a) => a.id === 'visit-7')).toBe(false);
    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
  });
});
