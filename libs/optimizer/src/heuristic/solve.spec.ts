import { join } from 'node:path';

import fc from 'fast-check';

import { readSolomonFile, solomonToProblem } from '../benchmarks/solomon';
import { checkSolution } from '../checker';
import { generateHomeVisitDay } from '../scenarios';
import { problemArbitrary, simpleProblem } from '../testing/random-problem';

import { solveSync } from './solve';

import type { Problem, Solution } from '../model';

const FAST = { maxIterations: 40, seed: 7 };

function servedBy(solution: Solution): Map<string, string> {
  const map = new Map<string, string>();
  for (const itinerary of solution.itineraries)
    for (const stop of itinerary.stops) map.set(stop.appointmentId, itinerary.providerId);
  return map;
}

describe(solveSync.name, () => {
  it('should produce plans that pass the independent checker', () => {
    fc.assert(
      fc.property(problemArbitrary(), fc.nat(1000), (problem, seed) => {
        const sut = solveSync(problem, { ...FAST, seed });
        expect(checkSolution(problem, sut)).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });

  it.each(['R201', 'RC208', 'C201', 'RC105'])(
    'should return a checker-valid plan serving every visit of a Solomon excerpt after route closing and transplants (%s, 50 visits)',
    (name) => {
      const full = readSolomonFile(join(__dirname, '../../bench/data/solomon', `${name}.txt`));
      const problem = solomonToProblem({ ...full, customers: full.customers.slice(0, 50) });

      const sut = solveSync(problem, { maxIterations: 600, seed: 3, objective: 'distance' });

      expect(sut.unserved).toEqual([]);
      expect(checkSolution(problem, sut)).toEqual([]);
    },
  );

  it('should produce checker-valid plans for problems with clinic visits and clinic blocks', () => {
    const withClinicBlocks = problemArbitrary().filter(
      (p) => (p.clinicBlocks?.length ?? 0) > 0 && p.appointments.some((a) => a.clinicId),
    );
    let servedClinicVisits = 0;
    fc.assert(
      fc.property(withClinicBlocks, fc.nat(1000), (problem, seed) => {
        const sut = solveSync(problem, { ...FAST, seed });

        expect(checkSolution(problem, sut)).toEqual([]);
        const clinicVisits = new Set(
          problem.appointments.filter((a) => a.clinicId).map((a) => a.id),
        );
        servedClinicVisits += [...servedBy(sut).keys()].filter((id) => clinicVisits.has(id)).length;
      }),
      { numRuns: 60 },
    );
    // The clinic rules only bind when clinic visits are actually planned.
    expect(servedClinicVisits).toBeGreaterThanOrEqual(60);
  });

  it('should never assign a provider lacking a required credential', () => {
    fc.assert(
      fc.property(problemArbitrary(), (problem) => {
        const sut = solveSync(problem, FAST);
        const credentials = new Map(problem.providers.map((p) => [p.id, p.credentials]));
        for (const [appointmentId, providerId] of servedBy(sut)) {
          const required =
            problem.appointments.find((a) => a.id === appointmentId)!.requiredCredentials ?? [];
          expect(required.filter((c) => !credentials.get(providerId)!.includes(c))).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('should return the same plan for the same seed', () => {
    fc.assert(
      fc.property(problemArbitrary(), fc.nat(1000), (problem, seed) => {
        const first = solveSync(problem, { maxIterations: 30, seed });
        const second = solveSync(problem, { maxIterations: 30, seed });
        expect(second.itineraries).toEqual(first.itineraries);
        expect(second.unserved).toEqual(first.unserved);
      }),
      { numRuns: 30 },
    );
  });

  it('should keep pinned appointments with their pinned provider', () => {
    let servedPinned = 0;
    fc.assert(
      fc.property(problemArbitrary(), (problem) => {
        const sut = solveSync(problem, FAST);
        const assignment = servedBy(sut);
        for (const appointment of problem.appointments) {
          if (appointment.pinnedProvider === undefined || !assignment.has(appointment.id)) continue;
          expect(assignment.get(appointment.id)).toBe(appointment.pinnedProvider);
          servedPinned++;
        }
      }),
      { numRuns: 60 },
    );
    expect(servedPinned).toBeGreaterThanOrEqual(5);
  });

  it('should serve every appointment of an easy problem and report zero unserved', () => {
    const problem = simpleProblem();
    const sut = solveSync(problem, FAST);
    expect(sut.unserved).toEqual([]);
    expect(sut.objective.servedCount).toBe(2);
    expect(checkSolution(problem, sut)).toEqual([]);
  });

  it.each([
    ['NO_CREDENTIALED_PROVIDER', { requiredCredentials: ['MD'] }],
    ['PROVIDER_RESTRICTION', { excludedProviders: ['rn-1'] }],
    ['CAPACITY', { load: 6 }],
    ['OUTSIDE_AVAILABILITY', { timeWindows: [{ start: 20 * 3600, end: 21 * 3600 }] }],
    ['TIME_WINDOW_UNREACHABLE', { location: 3, timeWindows: [{ start: 8 * 3600, end: 9 * 3600 }] }],
  ] as const)(
    'should report an appointment no provider can serve with reason %s',
    (reason, change) => {
      const base = simpleProblem();
      const problem: Problem = {
        ...base,
        appointments: [
          ...base.appointments,
          {
            id: 'impossible',
            location: 1,
            durationSeconds: 1800,
            requiredCredentials: ['RN'],
            ...change,
          },
        ],
      };
      const sut = solveSync(problem, FAST);
      expect(sut.unserved).toEqual([{ appointmentId: 'impossible', reason }]);
      expect(checkSolution(problem, sut)).toEqual([]);
    },
  );

  it('should prefer serving a higher-priority appointment when only one fits', () => {
    const base = simpleProblem();
    const clash = {
      location: 1,
      durationSeconds: 3600,
      requiredCredentials: ['RN'],
      fixedStart: 12 * 3600,
    };
    const problem: Problem = {
      ...base,
      appointments: [
        { id: 'low', ...clash, priority: 1 },
        { id: 'high', ...clash, priority: 5 },
      ],
    };
    const sut = solveSync(problem, FAST);
    expect(sut.unserved).toEqual([{ appointmentId: 'low', reason: 'NO_ROOM_IN_PLAN' }]);
  });

  it('should keep a large plan feasible with granular insertion and bounded re-offering of unserved visits', () => {
    const problem = generateHomeVisitDay({ appointments: 900, providers: 30, seed: 5 });
    const first = solveSync(problem, { maxIterations: 0, seed: 5 });
    const sut = solveSync(problem, { maxIterations: 60, seed: 5 });
    expect(checkSolution(problem, sut)).toEqual([]);
    expect(sut.objective.servedCount).toBeGreaterThanOrEqual(first.objective.servedCount);
  });
});
