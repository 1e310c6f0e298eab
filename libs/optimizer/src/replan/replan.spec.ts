import fc from 'fast-check';

import { checkSolution } from '../checker';
import { solveSync } from '../heuristic';
import { problemArbitrary } from '../testing/random-problem';

import { replan, replanFromScratch } from './replan';

import type { Appointment, Problem, Solution } from '../model';
import type { PlanChange } from './plan-change';

const HOUR = 3600;
const ITERATIONS = { maxIterations: 40 };

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

/** Two nurses at one base; every visit prefers rn-a, so the plan gives rn-a all of them and leaves rn-b free. */
function twoNurses(extra: Partial<Appointment> = {}): Problem {
  const visit = (id: string, hour: number, location: number): Appointment => ({
    id,
    location,
    durationSeconds: 1800,
    requiredCredentials: ['RN'],
    fixedStart: hour * HOUR,
    preferredProviders: ['rn-a'],
    ...extra,
  });
  return {
    locations: [
      { id: 'base', coordinates: { lat: 40.7, lon: -74.0 } },
      { id: 'p1', coordinates: { lat: 40.71, lon: -74.0 } },
      { id: 'p2', coordinates: { lat: 40.72, lon: -74.01 } },
      { id: 'p3', coordinates: { lat: 40.7, lon: -74.02 } },
    ],
    providers: ['rn-a', 'rn-b'].map((id) => ({
      id,
      credentials: ['RN'],
      startLocation: 0,
      endLocation: 0,
      availability: [{ start: 8 * HOUR, end: 17 * HOUR }],
    })),
    appointments: [visit('v1', 9, 1), visit('v2', 11, 2), visit('v3', 13, 3)],
  };
}

function assignments(solution: Solution): Map<string, { providerId: string; start: number }> {
  return new Map(
    solution.itineraries.flatMap((i) =>
      i.stops.map((s) => [s.appointmentId, { providerId: i.providerId, start: s.start }] as const),
    ),
  );
}

function callOut(providerId: string, from: number, until?: number): PlanChange {
  return { kind: 'provider-unavailable', providerId, from, until };
}

describe(replan.name, () => {
  it('should re-assign the visits of a provider who calls out to the idle provider and change nothing else', () => {
    const problem = twoNurses();
    const plan = solveSync(problem, ITERATIONS);
    expect([...assignments(plan).values()].every((x) => x.providerId === 'rn-a')).toBe(true);

    const sut = replan(
      { problem, plan, changes: [callOut('rn-a', 10 * HOUR)], freezeTime: 10 * HOUR },
      ITERATIONS,
    );

    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    expect(sut.frozenAppointmentIds).toEqual(['v1']);
    expect(sut.changedAssignments).toEqual([
      { appointmentId: 'v2', fromProviderId: 'rn-a', toProviderId: 'rn-b' },
      { appointmentId: 'v3', fromProviderId: 'rn-a', toProviderId: 'rn-b' },
    ]);
    expect(sut.noLongerServed).toEqual([]);
    expect(sut.retimed).toEqual([]);
  });

  it('should re-home every orphan and change fewer assignments than re-solving from scratch', () => {
    const problem = practiceDay();
    // The plan must leave every orphan a feasible home once the visits before the freeze are fixed, which depends on
    // the plan the search happens to return: with today's search the plans after 400 and 800 iterations leave one
    // orphan none (re-solving from scratch serves 59 of 60 too), those after 100–300, 500 and 600 do not. The first
    // expectation below checks that property of the fixture, so a search change that breaks it says so.
    const plan = solveSync(problem, { maxIterations: 200 });
    const request = {
      problem,
      plan,
      changes: [callOut('rn-3', 10 * HOUR)],
      freezeTime: 10 * HOUR,
    };

    const sut = replan(request, { maxIterations: 100 });
    const naive = replanFromScratch(request, { maxIterations: 100 });

    expect(naive.solution.objective.servedPriority).toBe(plan.objective.servedPriority);
    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    const rn3 = sut.solution.itineraries.find((i) => i.providerId === 'rn-3');
    expect(rn3?.stops.every((s) => s.start < 10 * HOUR)).toBe(true);
    expect(sut.solution.objective.servedPriority).toBe(plan.objective.servedPriority);
    expect(sut.noLongerServed).toEqual([]);
    expect(sut.changedAssignments.length).toBeLessThan(naive.changedAssignments.length);
    expect(sut.summary.unchanged + sut.summary.retimed + sut.changedAssignments.length).toBe(
      plan.objective.servedCount,
    );
  });

  it('should keep the next day of a provider who is back the next morning', () => {
    const base = twoNurses();
    const problem: Problem = {
      ...base,
      providers: base.providers.map((p) => ({
        ...p,
        availability: [...p.availability, { start: 32 * HOUR, end: 41 * HOUR }],
      })),
      appointments: [
        ...base.appointments,
        { ...base.appointments[1], id: 'tomorrow', fixedStart: 35 * HOUR },
      ],
    };
    const plan = solveSync(problem, ITERATIONS);
    expect(assignments(plan).get('tomorrow')?.providerId).toBe('rn-a');

    const sut = replan(
      { problem, plan, changes: [callOut('rn-a', 10 * HOUR, 24 * HOUR)], freezeTime: 10 * HOUR },
      ITERATIONS,
    );

    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    expect(assignments(sut.solution).get('tomorrow')?.providerId).toBe('rn-a');
    expect(sut.changedAssignments.map((c) => c.appointmentId)).toEqual(['v2', 'v3']);
  });

  it('should list a visit nobody else may serve as no longer served, with the reason', () => {
    const problem = twoNurses({ requiredProviders: ['rn-a'] });
    const plan = solveSync(problem, ITERATIONS);

    const sut = replan(
      { problem, plan, changes: [callOut('rn-a', 10 * HOUR)], freezeTime: 10 * HOUR },
      ITERATIONS,
    );

    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    expect(sut.noLongerServed).toEqual([
      { appointmentId: 'v2', reason: 'OUTSIDE_AVAILABILITY', previousProviderId: 'rn-a' },
      { appointmentId: 'v3', reason: 'OUTSIDE_AVAILABILITY', previousProviderId: 'rn-a' },
    ]);
    expect(sut.changedAssignments.every((c) => c.toProviderId === null)).toBe(true);
    expect(sut.summary.noLongerServed).toBe(2);
  });

  it('should drop a cancelled appointment that has not started and refuse to cancel one that has', () => {
    const problem = practiceDay();
    const plan = solveSync(problem, { maxIterations: 50 });
    const started = plan.itineraries.flatMap((i) => i.stops).find((s) => s.start < 10 * HOUR);

    const sut = replan(
      {
        problem,
        plan,
        changes: [
          { kind: 'appointment-cancelled', appointmentId: 'visit-7' },
          { kind: 'appointment-cancelled', appointmentId: started?.appointmentId ?? 'none' },
        ],
        freezeTime: 10 * HOUR,
      },
      { maxIterations: 50 },
    );

    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    expect(sut.problem.appointments.some((a) => a.id === 'visit-7')).toBe(false);
    expect(assignments(sut.solution).has('visit-7')).toBe(false);
    expect(sut.cancelledAppointmentIds).toEqual(['visit-7']);
    expect(sut.changedAssignments.some((c) => c.appointmentId === 'visit-7')).toBe(false);
    expect(sut.startedCancellationIds).toEqual([started?.appointmentId]);
    expect(assignments(sut.solution).get(started?.appointmentId ?? '')?.start).toBe(started?.start);
  });

  it('should insert an added appointment that fits without moving anything else', () => {
    const problem = twoNurses();
    const plan = solveSync(problem, ITERATIONS);

    const sut = replan(
      {
        problem,
        plan,
        changes: [
          {
            kind: 'appointment-added',
            appointment: {
              id: 'urgent',
              location: 2,
              durationSeconds: 1800,
              requiredCredentials: ['RN'],
              timeWindows: [{ start: 14 * HOUR, end: 16 * HOUR }],
            },
          },
        ],
        freezeTime: 10 * HOUR,
      },
      ITERATIONS,
    );

    expect(checkSolution(sut.problem, sut.solution)).toEqual([]);
    expect(sut.newlyServed).toEqual(['urgent']);
    expect(sut.addedUnserved).toEqual([]);
    expect(sut.changedAssignments).toEqual([]);
  });

  it('should report an added appointment no provider can serve, with the reason', () => {
    const problem = twoNurses();
    const plan = solveSync(problem, ITERATIONS);

    const sut = replan(
      {
        problem,
        plan,
        changes: [
          {
            kind: 'appointment-added',
            appointment: {
              id: 'md-only',
              location: 2,
              durationSeconds: 900,
              requiredCredentials: ['MD'],
            },
          },
        ],
        freezeTime: 10 * HOUR,
      },
      ITERATIONS,
    );

    expect(sut.addedUnserved).toEqual([
      { appointmentId: 'md-only', reason: 'NO_CREDENTIALED_PROVIDER' },
    ]);
    expect(sut.changedAssignments).toEqual([]);
  });

  it('should pass the checker and never move frozen or pinned visits after random changes', () => {
    const reached = { frozen: 0, pinned: 0 };
    fc.assert(
      fc.property(
        problemArbitrary({ maxAppointments: 10 }),
        fc.integer({ min: 7, max: 15 }),
        fc.boolean(),
        (problem, hour, cancelFirst) => {
          const plan = solveSync(problem, { maxIterations: 30 });
          const freezeTime = hour * HOUR;
          const before = plan.itineraries.flatMap((i) =>
            i.stops.map((s) => ({ providerId: i.providerId, stop: s })),
          );

          const sut = replan(
            {
              problem,
              plan,
              freezeTime,
              changes: [
                callOut(problem.providers[0].id, freezeTime),
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
          const after = assignments(sut.solution);
          for (const { providerId, stop } of before.filter((x) => x.stop.start < freezeTime)) {
            expect(after.get(stop.appointmentId)).toEqual({ providerId, start: stop.start });
            reached.frozen++;
          }
          const frozen = new Set(sut.frozenAppointmentIds);
          for (const [id, visit] of after)
            if (!frozen.has(id)) expect(visit.start).toBeGreaterThanOrEqual(freezeTime);
          for (const appointment of problem.appointments) {
            const now = after.get(appointment.id);
            if (appointment.pinnedProvider !== undefined && now !== undefined) {
              expect(now.providerId).toBe(appointment.pinnedProvider);
              reached.pinned++;
            }
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(reached.frozen).toBeGreaterThanOrEqual(20);
    expect(reached.pinned).toBeGreaterThanOrEqual(3);
  });
});
