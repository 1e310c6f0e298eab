import fc from 'fast-check';

import { checkSolution } from '../checker';
import { solveSync } from '../heuristic';
import { compileProblem } from '../model';
import { generateHomeVisitDay } from '../scenarios';
import { tinyDayArbitrary } from '../testing/instance-arbitraries';

import { homeVisitBounds } from './home-visit-bounds';
import { solveSmallExact } from './small-exact';

const SLACK = 1e-6;

describe(homeVisitBounds.name, () => {
  it('should bound served priority above the exact optimum and travel below every checker-valid plan', async () => {
    await fc.assert(
      fc.asyncProperty(tinyDayArbitrary(), async ({ problem }) => {
        const exact = await solveSmallExact(problem);
        const heuristic = solveSync(problem, { maxIterations: 300, seed: 1 });
        const compiled = compileProblem(problem);

        const sut = await homeVisitBounds(compiled, heuristic.objective.servedPriority);

        expect(exact.status).toBe('optimal');
        expect(checkSolution(problem, exact.solution!)).toEqual([]);
        expect(checkSolution(problem, heuristic)).toEqual([]);
        expect(sut.servedPriorityBound).toBeGreaterThanOrEqual((exact.servedPriority ?? 0) - SLACK);
        // Both plans serve at least the heuristic's priority (the optimum serves the most).
        expect(sut.travelSecondsBound).toBeLessThanOrEqual(
          heuristic.objective.travelSeconds + SLACK,
        );
        expect(sut.travelSecondsBound).toBeLessThanOrEqual(
          (exact.solution?.objective.travelSeconds ?? 0) + SLACK,
        );
      }),
      { numRuns: 10, seed: 17 },
    );
  });

  it('should report demand beyond shift time when a day is overbooked by construction', async () => {
    const light = compileProblem(generateHomeVisitDay({ appointments: 40, providers: 8, seed: 3 }));
    const heavy = compileProblem(
      generateHomeVisitDay({ appointments: 120, providers: 4, seed: 3 }),
    );

    const sut = [await homeVisitBounds(light, 0), await homeVisitBounds(heavy, 0)];

    expect(sut[0]?.demandRatio).toBeLessThan(1);
    expect(sut[1]?.demandRatio).toBeGreaterThan(1);
    expect(sut[1]?.demandWithTravelRatio).toBeGreaterThanOrEqual(sut[1]?.demandRatio ?? Infinity);
  });

  it('should report the better of the nearest-inbound and route bounds, both below the plan', async () => {
    const problem = generateHomeVisitDay({ appointments: 30, providers: 3, seed: 5 });
    const plan = solveSync(problem, { maxIterations: 1_000, seed: 1 });
    const compiled = compileProblem(problem);

    const plain = await homeVisitBounds(compiled, plan.objective.servedPriority);
    const sut = await homeVisitBounds(compiled, plan.objective.servedPriority, {
      routeBoundMs: 60_000,
      warmStart: plan,
    });

    expect(checkSolution(problem, plan)).toEqual([]);
    expect(plain.route).toBeUndefined();
    expect(plain.travelSecondsBound).toBe(plain.nearestTravelSecondsBound);
    expect(sut.route).toBeDefined();
    expect(sut.travelSecondsBound).toBe(
      Math.max(sut.nearestTravelSecondsBound, sut.route?.bound ?? -Infinity),
    );
    expect(sut.travelSecondsBound).toBeGreaterThan(plain.travelSecondsBound);
    expect(sut.travelSecondsBound).toBeLessThanOrEqual(plan.objective.travelSeconds + SLACK);
  });
});
