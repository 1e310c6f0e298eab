import fc from 'fast-check';

import { checkSolution } from '../checker';
import { solveSync } from '../heuristic';
import { compileProblem } from '../model';
import { generateClinicWeek } from '../scenarios';
import { smallClinicWeek, smallClinicWeekArbitrary } from '../testing/instance-arbitraries';

import { solveClinicBounded } from './clinic-bounded';
import { ClinicBounds } from './clinic-bounds';
import { solveClinicExact } from './clinic-exact';

/** Tolerance for LP round-off in the bounds (priorities and costs are O(1e2–1e5)). */
const SLACK = 1e-6;

describe(ClinicBounds.name, () => {
  it('should never bound above the exact optimum or above a checker-valid plan', async () => {
    await fc.assert(
      fc.asyncProperty(smallClinicWeekArbitrary(), async ({ problem }) => {
        const exact = await solveClinicExact(problem);
        const heuristic = solveSync(problem, { maxIterations: 300, seed: 1 });
        const sut = new ClinicBounds(compileProblem(problem));

        const served = await sut.servedPriorityBound({ warmStart: heuristic });
        const costForExact = await sut.costBound(exact.servedPriority ?? 0);
        const costForHeuristic = await sut.costBound(heuristic.objective.servedPriority, {
          warmStart: heuristic,
        });

        expect(exact.status).toBe('optimal');
        expect(checkSolution(problem, exact.solution!)).toEqual([]);
        expect(checkSolution(problem, heuristic)).toEqual([]);
        expect(served.bound).toBeGreaterThanOrEqual((exact.servedPriority ?? 0) - SLACK);
        expect(costForExact.bound).toBeLessThanOrEqual((exact.cost ?? 0) * (1 + SLACK) + SLACK);
        // Every plan serving at least the heuristic's priority: the heuristic's own and the optimum.
        expect(costForHeuristic.bound).toBeLessThanOrEqual(
          heuristic.objective.cost * (1 + SLACK) + SLACK,
        );
        expect(costForHeuristic.bound).toBeLessThanOrEqual((exact.cost ?? 0) * (1 + SLACK) + SLACK);
      }),
      { numRuns: 8, seed: 31 },
    );
  });

  it('should close the served-priority level when the plan serves everything servable', async () => {
    const problem = smallClinicWeek(5, 10);
    const exact = await solveClinicExact(problem);
    const sut = new ClinicBounds(compileProblem(problem));

    const served = await sut.servedPriorityBound({ warmStart: exact.solution! });

    expect(served.converged).toBe(true);
    expect(served.bound).toBeCloseTo(exact.servedPriority ?? Number.NaN, 6);
  });
});

describe(solveClinicBounded.name, () => {
  it('should return a checker-valid plan with bounds on both objective levels it does not beat', async () => {
    const problem = generateClinicWeek({ seed: 3, appointments: 40, providers: 5 });

    const sut = await solveClinicBounded(problem, { timeLimitMs: 60_000, heuristicShare: 0.005 });

    expect(checkSolution(problem, sut.solution)).toEqual([]);
    expect(sut.servedPriorityBound).toBeGreaterThanOrEqual(sut.servedPriority - SLACK);
    expect(sut.costBound).toBeLessThanOrEqual(sut.cost * (1 + SLACK));
    expect(sut.costGap).toBeGreaterThanOrEqual(0);
  });

  it('should keep a restricted-master plan only when it passes the checker and beats the heuristic plan', async () => {
    const problem = generateClinicWeek({ seed: 3, appointments: 40, providers: 5 });
    const exact = await solveClinicExact(problem);
    const options = { timeLimitMs: 60_000, heuristicShare: 0.0005, seed: 2 };

    const alone = await solveClinicBounded(problem, options);
    const sut = await solveClinicBounded(problem, { ...options, restrictedMasterMs: 30_000 });

    expect(checkSolution(problem, sut.solution)).toEqual([]);
    expect(sut.servedPriority).toBeGreaterThanOrEqual(alone.servedPriority);
    if (sut.servedPriority === alone.servedPriority)
      expect(sut.cost).toBeLessThanOrEqual(alone.cost + SLACK);
    expect(sut.costBound).toBeLessThanOrEqual(sut.cost * (1 + SLACK));
    expect(sut.costGap).toBeLessThanOrEqual(alone.costGap + SLACK);
    // A plan, so never better than the exact optimum's cost at the optimal served priority.
    expect(sut.servedPriority).toBeLessThanOrEqual(exact.servedPriority ?? Infinity);
    if (sut.servedPriority === exact.servedPriority)
      expect(sut.cost).toBeGreaterThanOrEqual((exact.cost ?? 0) - SLACK);
  });
});

describe('ClinicBounds.restrictedMasterPlan', () => {
  it('should build a checker-valid plan from the priced chains that is no worse than the seeding plan', async () => {
    await fc.assert(
      fc.asyncProperty(smallClinicWeekArbitrary(), async ({ problem }) => {
        const heuristic = solveSync(problem, { maxIterations: 50, seed: 1 });
        const exact = await solveClinicExact(problem);
        const sut = new ClinicBounds(compileProblem(problem));
        const floor = heuristic.objective.servedPriority;
        await sut.costBound(floor, { warmStart: heuristic });

        const plan = await sut.restrictedMasterPlan(floor);

        expect(plan).toBeDefined();
        expect(checkSolution(problem, plan!)).toEqual([]);
        expect(plan!.objective.servedPriority).toBeGreaterThanOrEqual(floor);
        expect(plan!.objective.cost).toBeLessThanOrEqual(heuristic.objective.cost * (1 + SLACK));
        if (plan!.objective.servedPriority === exact.servedPriority)
          expect(plan!.objective.cost).toBeGreaterThanOrEqual((exact.cost ?? 0) * (1 - SLACK));
      }),
      { numRuns: 8, seed: 37 },
    );
  });
});
