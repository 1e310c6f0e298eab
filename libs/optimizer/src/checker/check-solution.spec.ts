import { solveSync } from '../heuristic';
import { simpleProblem } from '../testing/random-problem';

import { checkSolution } from './check-solution';

import type { Solution } from '../model';

describe(checkSolution.name, () => {
  const problem = simpleProblem({
    providers: [
      ...simpleProblem().providers,
      {
        id: 'lpn-1',
        credentials: ['LPN'],
        startLocation: 0,
        endLocation: 0,
        availability: [{ start: 8 * 3600, end: 16 * 3600 }],
      },
    ],
  });
  const valid = solveSync(problem, { maxIterations: 20 });
  const withStops = (change: (s: Solution) => Solution) => change(structuredClone<Solution>(valid));

  it('should accept a solver plan', () => {
    expect(checkSolution(problem, valid)).toEqual([]);
  });

  it('should flag a visit moved to a provider without the credential', () => {
    const tampered = withStops((s) => ({
      ...s,
      itineraries: s.itineraries.map((i) => ({
        ...i,
        providerId: i.providerId === 'rn-1' ? 'lpn-1' : 'rn-1',
      })),
    }));
    expect(checkSolution(problem, tampered).map((v) => v.code)).toContain('MISSING_CREDENTIAL');
  });

  it('should flag a start outside the time window and an arrival inconsistent with travel', () => {
    const tampered = withStops((s) => ({
      ...s,
      itineraries: s.itineraries.map((i) => ({
        ...i,
        stops: i.stops.map((stop) =>
          stop.appointmentId === 'visit-1'
            ? { ...stop, arrival: stop.arrival - 600, start: 12 * 3600, end: 12.5 * 3600 }
            : stop,
        ),
      })),
    }));
    const codes = checkSolution(problem, tampered).map((v) => v.code);
    expect(codes).toContain('TIME_WINDOW');
    expect(codes).toContain('INCONSISTENT_TIMES');
  });

  it('should flag an appointment that is neither served nor listed as unserved', () => {
    const tampered = withStops((s) => ({
      ...s,
      itineraries: s.itineraries.map((i) => ({
        ...i,
        stops: i.stops.filter((x) => x.appointmentId !== 'visit-2'),
      })),
    }));
    expect(checkSolution(problem, tampered).map((v) => v.code)).toContain('NOT_ACCOUNTED');
  });

  it('should flag a wrong unserved reason and an appointment served twice', () => {
    const servedTwice = withStops((s) => ({
      ...s,
      itineraries: s.itineraries.map((i) => ({ ...i, stops: [...i.stops, ...i.stops] })),
    }));
    expect(checkSolution(problem, servedTwice).map((v) => v.code)).toContain('SERVED_TWICE');
    const wrongReason = withStops((s) => ({
      ...s,
      itineraries: s.itineraries.map((i) => ({ ...i, stops: [] })),
      unserved: [
        { appointmentId: 'visit-1', reason: 'NO_CREDENTIALED_PROVIDER' },
        { appointmentId: 'visit-2', reason: 'NO_ROOM_IN_PLAN' },
      ],
    }));
    expect(checkSolution(problem, wrongReason).map((v) => v.code)).toContain('WRONG_REASON');
  });

  it('should flag a shift that returns after its availability ends', () => {
    const tight = {
      ...problem,
      providers: problem.providers.map((p) => ({
        ...p,
        availability: [{ start: 8 * 3600, end: 9.6 * 3600 }],
      })),
    };
    expect(checkSolution(tight, valid).map((v) => v.code)).toContain('AFTER_AVAILABILITY');
  });
});
