import fc from 'fast-check';

import { checkSolution } from '../checker';
import { compileProblem, createTravelTimeProvider } from '../model';
import { problemArbitrary } from '../testing/random-problem';

import { runAlns } from './alns';
import { buildSolution } from './build-solution';
import { regretInsertion } from './recreate';
import { RoutePlan } from './route-plan';
import { SeededRandom } from './seeded-random';
import { SharedBest } from './shared-best';
import { SolverContext } from './solver-context';

import type { CompiledProblem } from '../model';

/** Plans as sets of visit sequences: the vehicle a route sits on does not make two plans different. */
function canonical(routes: readonly (readonly number[])[]): string {
  return routes
    .filter((r) => r.length > 0)
    .map((r) => r.join(' '))
    .sort()
    .join(' | ');
}

/** A plan of `tasks` tasks (0 … tasks−1) spread over `vehicles` routes in the order a random permutation gives. */
const planArbitrary = (vehicles: number, tasks: number): fc.Arbitrary<number[][]> =>
  fc
    .tuple(
      fc.shuffledSubarray(
        Array.from({ length: tasks }, (_, t) => t),
        { minLength: tasks, maxLength: tasks },
      ),
      fc.array(fc.nat(vehicles - 1), { minLength: tasks, maxLength: tasks }),
    )
    .map(([order, vehicleOf]) => {
      const routes: number[][] = Array.from({ length: vehicles }, () => []);
      order.forEach((t, i) => routes[vehicleOf[i]].push(t));
      return routes;
    });

/** What `solveCompiled` does before its search: a regret-2 construction on a fresh plan. */
function constructed(compiled: CompiledProblem, random: SeededRandom): RoutePlan {
  const plan = new RoutePlan(new SolverContext(compiled));
  regretInsertion(plan, random, plan.ctx.servableAppointments);
  return plan;
}

describe(SharedBest.name, () => {
  const vehicles = 3;
  const appointments = 5;

  it('should hand out nothing before any plan was offered', () => {
    const sut = new SharedBest(SharedBest.allocate(vehicles, appointments), vehicles);

    expect(sut.takeIfBetter(Number.MAX_VALUE)).toBeNull();
    expect(sut.pick(new SeededRandom(1))).toBeNull();
    expect(sut.size).toBe(0);
  });

  it('should hand an offered plan to another view of the same buffer, as a copy', () => {
    const buffer = SharedBest.allocate(vehicles, appointments);
    const publisher = new SharedBest(buffer, vehicles);
    const sut = new SharedBest(buffer, vehicles);
    const routes = [[4, 0], [], [2, 1, 3]];

    expect(publisher.offer(120, routes)).toBe(true);
    routes[0].push(9);
    const taken = sut.takeIfBetter(150);

    expect(taken).toEqual({ cost: 120, routes: [[4, 0], [], [2, 1, 3]] });
  });

  it('should keep distinct plans side by side and refuse the same plan twice', () => {
    const sut = new SharedBest(SharedBest.allocate(vehicles, appointments), vehicles);

    expect(sut.offer(100, [[0, 1, 2], [3, 4], []])).toBe(true);
    expect(sut.offer(110, [[4, 2], [0], [3, 1]])).toBe(true);
    expect(sut.offer(100, [[], [0, 1, 2], [3, 4]])).toBe(false);

    expect(sut.members()).toEqual([
      { cost: 100, routes: [[0, 1, 2], [3, 4], []] },
      { cost: 110, routes: [[4, 2], [0], [3, 1]] },
    ]);
  });

  it('should let a cheaper plan replace a close costlier member, and refuse a close costlier plan', () => {
    // 100 tasks: a plan differing from a member in two adjacencies is close (below 10 % of them).
    const n = 100;
    const sut = new SharedBest(SharedBest.allocate(2, n), 2);
    const base = [Array.from({ length: n }, (_, t) => t), []];
    const neighbour = [
      Array.from({ length: n }, (_, t) => (t === 10 ? 11 : t === 11 ? 10 : t)),
      [],
    ];
    sut.offer(500, base);

    expect(sut.offer(510, neighbour)).toBe(false);
    expect(sut.offer(490, neighbour)).toBe(true);
    expect(sut.members()).toEqual([{ cost: 490, routes: neighbour }]);
  });

  it('should only improve: no slot gets costlier, the best is the cheapest plan offered, members stay distinct', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 1000 }), planArbitrary(vehicles, appointments)),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (offers) => {
          const sut = new SharedBest(
            SharedBest.allocate(vehicles, appointments, appointments, 3),
            vehicles,
          );
          let previous: number[] = [];
          let cheapest = Infinity;
          for (const [cost, routes] of offers) {
            sut.offer(cost, routes);
            cheapest = Math.min(cheapest, cost);
            const costs = sut.members().map((m) => m.cost);

            expect(costs.length).toBeGreaterThanOrEqual(previous.length);
            expect(costs.length).toBeLessThanOrEqual(3);
            previous.forEach((c, rank) => expect(costs[rank]).toBeLessThanOrEqual(c));
            expect(costs[0]).toBe(cheapest);
            const plans = sut.members().map((m) => canonical(m.routes));
            expect(new Set(plans).size).toBe(plans.length);
            previous = costs;
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should publish a run’s new best and hand it a member only after it stagnated', () => {
    const sut = new SharedBest(SharedBest.allocate(vehicles, appointments), vehicles);
    const random = new SeededRandom(3);
    const best = [[0, 1], [2], [3, 4]];

    expect(sut.exchange(1, 0.01, 90, best, random)).toBeNull();
    expect(sut.members()).toEqual([{ cost: 90, routes: best }]);
    // 10 % of the 1,000 iterations the run expects, but at least 250: no restart before iteration 251.
    expect(sut.exchange(250, 0.25, 90, best, random)).toBeNull();
    expect(sut.exchange(251, 0.251, 90, best, random)).toEqual(best);
    expect(sut.exchange(252, 0.252, 90, best, random)).toBeNull();
    expect(sut.restarts).toBe(1);
  });

  it('should never make a run that continues from another run’s plans return a plan the checker rejects', () => {
    let restartedRuns = 0;
    fc.assert(
      fc.property(problemArbitrary(), fc.nat(1000), (problem, seed) => {
        const compiled = compileProblem(problem, createTravelTimeProvider(problem));
        fc.pre(new SolverContext(compiled).servableAppointments.length > 0);
        const buffer = SharedBest.allocate(
          compiled.vehicleCount,
          compiled.appointmentCount,
          compiled.taskCount,
        );
        const now = (): number => 0;
        // Another run fills the pool (its new bests and its final best).
        const other = new SeededRandom(seed + 1);
        runAlns(
          constructed(compiled, other),
          other,
          { timeLimitMs: Infinity, maxIterations: 200 },
          now,
          new SharedBest(buffer, compiled.vehicleCount),
        );
        const random = new SeededRandom(seed);
        const shared = new SharedBest(buffer, compiled.vehicleCount);

        const outcome = runAlns(
          constructed(compiled, random),
          random,
          { timeLimitMs: Infinity, maxIterations: 600 },
          now,
          shared,
        );

        if (shared.restarts > 0) restartedRuns++;
        const solution = buildSolution(compiled, outcome.best, {
          solver: 'alns',
          seed,
          threads: 2,
          iterations: outcome.iterations,
          elapsedMs: 0,
          bestFoundAtIteration: outcome.bestFoundAtIteration,
          bestFoundAtMs: 0,
          stopReason: outcome.stopReason,
          initialCost: 0,
        });
        expect(checkSolution(problem, solution)).toEqual([]);
      }),
      { numRuns: 25 },
    );
    expect(restartedRuns).toBeGreaterThanOrEqual(12);
  });
});
