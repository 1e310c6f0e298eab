import { solveSync } from '../heuristic';
import { compileProblem, createTravelTimeProvider, fitsBefore, TIME_TOLERANCE } from '../model';

import { checkSolution } from './check-solution';
import { expectedUnservedReason } from './unserved-reason';

import type { Problem } from '../model';

const LEG_SECONDS = 600;
const SHIFT_SECONDS = 3600;
const DAY = 86_400;

/** One provider, one home visit whose return to base lands `overshoot` seconds after the shift end. */
function boundaryProblem(
  origin: number,
  overshoot: number,
  shiftEnd = origin + SHIFT_SECONDS,
): Problem {
  return {
    locations: [{ id: 'base' }, { id: 'patient' }],
    travel: {
      kind: 'matrix',
      seconds: [
        [0, LEG_SECONDS],
        [LEG_SECONDS, 0],
      ],
    },
    providers: [
      {
        id: 'rn-1',
        credentials: ['RN'],
        startLocation: 0,
        endLocation: 0,
        availability: [{ start: origin, end: shiftEnd }],
      },
    ],
    appointments: [
      {
        id: 'visit-1',
        location: 1,
        durationSeconds: SHIFT_SECONDS - 2 * LEG_SECONDS + overshoot,
        requiredCredentials: ['RN'],
      },
    ],
  };
}

/** What the compiler, the solver and the checker each say about serving the boundary visit. */
function verdicts(origin: number, overshoot: number) {
  const sut = boundaryProblem(origin, overshoot);
  const travel = createTravelTimeProvider(sut);
  const compiled = compileProblem(sut, travel);
  const solved = solveSync(sut, { maxIterations: 20, seed: 1 });
  // The same visit planned with an hour of slack, then judged against the real shift end.
  const forced = solveSync(boundaryProblem(origin, overshoot, origin + 2 * SHIFT_SECONDS), {
    maxIterations: 20,
    seed: 1,
  });
  return {
    compilerEligible: compiled.eligible[0] === 1,
    compilerReason: compiled.appointmentInfeasibleReason[0],
    checkerReason: expectedUnservedReason(sut, sut.appointments[0], travel),
    solverServes: solved.unserved.length === 0,
    solverPlanViolations: checkSolution(sut, solved, travel),
    forcedPlanServes: forced.unserved.length === 0,
    checkerAcceptsForcedPlan: checkSolution(sut, forced, travel).length === 0,
  };
}

describe(fitsBefore.name, () => {
  const origins = [
    ['at the time origin', 0],
    ['five days after the origin', 5 * DAY],
  ] as const;
  const overshoots = [
    ['exactly at the shift end', 0],
    ['0.5 µs past the shift end', 0.5e-6],
    ['1 µs past the shift end', 1e-6],
    ['1.3 µs past the shift end', 1.3e-6],
    ['1 ms past the shift end', 1e-3],
  ] as const;

  describe.each(origins)('with a shift %s', (_, origin) => {
    it.each(overshoots)(
      'should have the compiler, the solver and the checker agree on a visit ending %s',
      (_label, overshoot) => {
        const result = verdicts(origin, overshoot);

        expect(result.forcedPlanServes).toBe(true);
        expect(result.solverPlanViolations).toEqual([]);
        expect(result.solverServes).toBe(result.compilerEligible);
        expect(result.checkerAcceptsForcedPlan).toBe(result.compilerEligible);
        expect(result.checkerReason).toBe(result.compilerReason);
      },
    );

    it('should accept a visit ending exactly at the shift end everywhere', () => {
      const result = verdicts(origin, 0);

      expect(result.compilerEligible).toBe(true);
      expect(result.solverServes).toBe(true);
      expect(result.checkerAcceptsForcedPlan).toBe(true);
    });

    it.each([
      ['1.3 µs', 1.3e-6],
      ['1 ms', 1e-3],
    ])('should reject a visit ending %s past the shift end everywhere', (_label, overshoot) => {
      const result = verdicts(origin, overshoot);

      expect(result.compilerEligible).toBe(false);
      expect(result.compilerReason).toBe('TIME_WINDOW_UNREACHABLE');
      expect(result.solverServes).toBe(false);
      expect(result.checkerAcceptsForcedPlan).toBe(false);
    });
  });

  it('should allow exactly TIME_TOLERANCE of float noise and nothing more', () => {
    const limit = 5 * DAY;

    expect(fitsBefore(limit, limit)).toBe(true);
    expect(fitsBefore(limit + TIME_TOLERANCE / 2, limit)).toBe(true);
    expect(fitsBefore(limit + 2 * TIME_TOLERANCE, limit)).toBe(false);
  });
});
