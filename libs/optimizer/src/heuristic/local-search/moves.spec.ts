import { join } from 'node:path';

import fc from 'fast-check';

import { readSolomonFile, solomonToProblem } from '../../benchmarks/solomon';
import { problemArbitrary } from '../../testing/random-problem';
import { SeededRandom } from '../seeded-random';

import { IntraRouteMoves } from './intra-route-moves';
import { constructedPlan, violationsOf } from './plan-fixture';
import { SegmentExchangeMoves } from './segment-exchange';
import { IN_PLACE, replacedTasks, SwapStarMoves } from './swap-star';
import { TailExchangeMoves } from './tail-exchange';

import type { Problem } from '../../model';
import type { PlanFixture } from './plan-fixture';
import type { SegmentExchange } from './segment-exchange';
import type { SwapStar } from './swap-star';
import type { TailExchange } from './tail-exchange';

const COST_TOLERANCE = 1e-6;
// Least number of cases that must reach each assertion (a property must not pass on zero cases). The seeded runs
// reach 90–320 verdicts of each kind, ~8 improved routes and ~28 compared pairs; these floors leave room for other
// FAST_CHECK_SEED values.
const MIN_FEASIBLE = 20;
const MIN_INFEASIBLE = 20;
const MIN_IMPROVED_ROUTES = 1;
const MIN_COMPARED_ROUTES = 5;
// Feasible 2-opt / or-opt neighbours compared per Solomon excerpt (seeded: C201 9, the others more).
const MIN_COMPARED_NEIGHBOURS = 5;

/** The first `customers` customers of a vendored Solomon instance, served by `vehicleCount` vehicles. */
function solomonExcerpt(name: string, vehicleCount: number, customers: number): Problem {
  const full = readSolomonFile(join(__dirname, '../../../bench/data/solomon', `${name}.txt`));
  return solomonToProblem({ ...full, vehicleCount, customers: full.customers.slice(0, customers) });
}

function exchangedRoutes(fixture: PlanFixture, move: SegmentExchange): number[][] {
  const routes = fixture.plan.snapshot();
  const t1 = routes[move.v1];
  const t2 = routes[move.v2];
  const moved = t1.slice(move.first - 1, move.first - 1 + move.length);
  const replaced = t2.slice(move.secondFirst - 1, move.secondFirst - 1 + move.secondLength);
  routes[move.v1] = [
    ...t1.slice(0, move.first - 1),
    ...replaced,
    ...t1.slice(move.first - 1 + move.length),
  ];
  routes[move.v2] = [
    ...t2.slice(0, move.secondFirst - 1),
    ...moved,
    ...t2.slice(move.secondFirst - 1 + move.secondLength),
  ];
  return routes;
}

function tailExchangedRoutes(fixture: PlanFixture, move: TailExchange): number[][] {
  const routes = fixture.plan.snapshot();
  const t1 = routes[move.v1];
  const t2 = routes[move.v2];
  routes[move.v1] = [...t1.slice(0, move.cut1), ...t2.slice(move.cut2)];
  routes[move.v2] = [...t2.slice(0, move.cut2), ...t1.slice(move.cut1)];
  return routes;
}

function swappedRoutes(fixture: PlanFixture, move: SwapStar): number[][] {
  const routes = fixture.plan.snapshot();
  const t1 = routes[move.v1];
  const t2 = routes[move.v2];
  routes[move.v1] = replacedTasks(t1, move.first, t2[move.second - 1], move.slot1);
  routes[move.v2] = replacedTasks(t2, move.second, t1[move.first - 1], move.slot2);
  return routes;
}

/** A slot of a route of n visits for the visit replacing position i: in place, or any gap not next to i. */
function randomSlot(random: SeededRandom, n: number, i: number): number {
  const gaps = Array.from({ length: n + 1 }, (_, s) => s).filter((s) => s !== i - 1 && s !== i);
  const pick = random.nextInt(gaps.length + 1);
  return pick === gaps.length ? IN_PLACE : gaps[pick];
}

/**
 * Whether every visit may go to its vehicle per the compiled model. The model decides one-visit feasibility with the
 * shared tolerance, where the checker can still accept a route that overshoots a shift end by float noise; moves
 * follow the model, so feasibility is compared against "checker accepts and model allows".
 */
function modelAllows(fixture: PlanFixture, routes: readonly (readonly number[])[]): boolean {
  const c = fixture.compiled;
  return routes.every((tasks, v) =>
    tasks.every((t) => c.eligible[v * c.appointmentCount + c.taskAppointment[t]] === 1),
  );
}

/**
 * Moves keep each visit's chosen start window, so only with at most one window per visit is "infeasible" exact.
 * (Counting tasks per appointment: a total of one per appointment can hide a visit with two windows beside a clinic
 * visit with none, which generated clinic hours produce.)
 */
function oneWindowEach(fixture: PlanFixture): boolean {
  const c = fixture.compiled;
  const windows = new Int32Array(c.appointmentCount);
  for (const a of c.taskAppointment) windows[a]++;
  return windows.every((count) => count <= 1);
}

/** How many verdicts a property compared with the checker, by outcome, so it cannot pass on zero cases. */
interface VerdictCount {
  feasible: number;
  infeasible: number;
}

function expectVerdict(
  fixture: PlanFixture,
  delta: number,
  routes: readonly (readonly number[])[],
  count: VerdictCount,
) {
  const feasible = violationsOf(fixture, routes).length === 0 && modelAllows(fixture, routes);
  if (delta < Infinity || oneWindowEach(fixture)) {
    expect(delta < Infinity).toBe(feasible);
    if (feasible) count.feasible++;
    else count.infeasible++;
  }
}

/**
 * Shuffles each route where the shuffled order is still feasible: constructed routes are already well ordered, so
 * without this the descent would rarely find a move to make.
 */
function scrambleRoutes(fixture: PlanFixture, random: SeededRandom): void {
  for (let v = 0; v < fixture.compiled.vehicleCount; v++) {
    const original = fixture.plan.routes[v].tasks.join();
    for (let attempt = 0; attempt < 10; attempt++) {
      const routes = fixture.plan.snapshot();
      routes[v] = random.shuffle([...routes[v]]);
      if (routes[v].join() === original || violationsOf(fixture, routes).length > 0) continue;
      fixture.plan.setRouteTasks(v, routes[v]);
      break;
    }
  }
}

/** Two distinct vehicles with at least one visit on the first, or null. */
function pickVehicles(fixture: PlanFixture, random: SeededRandom): [number, number] | null {
  const V = fixture.compiled.vehicleCount;
  if (V < 2) return null;
  const v1 = random.nextInt(V);
  const v2 = (v1 + 1 + random.nextInt(V - 1)) % V;
  return fixture.plan.routes[v1].tasks.length > 0 ? [v1, v2] : null;
}

/** Every route one 2-opt reversal or one or-opt relocation (a run of 1–3 visits to any other place) away. */
function intraRouteNeighbours(tasks: readonly number[]): number[][] {
  const n = tasks.length;
  const result: number[][] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      result.push([
        ...tasks.slice(0, i),
        ...tasks.slice(i, j + 1).reverse(),
        ...tasks.slice(j + 1),
      ]);
  for (let i = 0; i < n; i++) {
    for (let length = 1; length <= 3 && i + length <= n; length++) {
      const run = tasks.slice(i, i + length);
      const rest = [...tasks.slice(0, i), ...tasks.slice(i + length)];
      for (let at = 0; at <= rest.length; at++)
        if (at !== i) result.push([...rest.slice(0, at), ...run, ...rest.slice(at)]);
    }
  }
  return result;
}

const instances = fc.tuple(
  problemArbitrary({ maxAppointments: 12, maxProviders: 3 }),
  fc.nat(10_000),
);

/**
 * Property shared by the inter-route move evaluators: on random problems, a random move (`draw`, null = skip) is
 * called feasible exactly when the checker accepts the resulting routes, and applying it changes the cost by the
 * predicted delta.
 */
function expectVerdictsMatchChecker<M, S extends { apply(move: M): void }>(
  create: (fixture: PlanFixture) => S,
  draw: (fixture: PlanFixture, random: SeededRandom, v1: number, v2: number) => M | null,
  evaluate: (sut: S, move: M) => number,
  resulting: (fixture: PlanFixture, move: M) => number[][],
): void {
  const verdicts: VerdictCount = { feasible: 0, infeasible: 0 };
  fc.assert(
    fc.property(instances, ([problem, seed]) => {
      const fixture = constructedPlan(problem, seed);
      const sut = create(fixture);
      const random = new SeededRandom(seed);
      for (let step = 0; step < 20; step++) {
        const pair = pickVehicles(fixture, random);
        if (pair === null) continue;
        const move = draw(fixture, random, pair[0], pair[1]);
        if (move === null) continue;
        const delta = evaluate(sut, move);
        expectVerdict(fixture, delta, resulting(fixture, move), verdicts);
        if (delta < Infinity) {
          const before = fixture.plan.cost;
          sut.apply(move);
          expect(fixture.plan.cost - before).toBeCloseTo(delta, 6);
        }
      }
    }),
    { numRuns: 200 },
  );
  expect(verdicts.feasible).toBeGreaterThanOrEqual(MIN_FEASIBLE);
  expect(verdicts.infeasible).toBeGreaterThanOrEqual(MIN_INFEASIBLE);
}

describe(SegmentExchangeMoves.name, () => {
  it('should call a move feasible exactly when the checker accepts the resulting plan, and predict its cost change', () => {
    expectVerdictsMatchChecker(
      (fixture) => new SegmentExchangeMoves(fixture.plan),
      (fixture, random, v1, v2) => {
        const n1 = fixture.plan.routes[v1].tasks.length;
        const n2 = fixture.plan.routes[v2].tasks.length;
        const length = 1 + random.nextInt(Math.min(3, n1));
        const secondLength = random.nextInt(Math.min(3, n2) + 1);
        return {
          v1,
          first: 1 + random.nextInt(n1 - length + 1),
          length,
          v2,
          secondFirst: 1 + random.nextInt(n2 - secondLength + 1),
          secondLength,
        };
      },
      (sut, move) => sut.evaluate(move, Infinity),
      exchangedRoutes,
    );
  });
});

describe(TailExchangeMoves.name, () => {
  it('should call a 2-opt* move feasible exactly when the checker accepts the resulting plan, and predict its cost change', () => {
    const verdicts: VerdictCount = { feasible: 0, infeasible: 0 };
    fc.assert(
      fc.property(instances, ([problem, seed]) => {
        const fixture = constructedPlan(problem, seed);
        const sut = new TailExchangeMoves(fixture.plan);
        const random = new SeededRandom(seed);
        for (let step = 0; step < 20; step++) {
          const pair = pickVehicles(fixture, random);
          if (pair === null) continue;
          const [v1, v2] = pair;
          const move: TailExchange = {
            v1,
            cut1: random.nextInt(fixture.plan.routes[v1].tasks.length + 1),
            v2,
            cut2: random.nextInt(fixture.plan.routes[v2].tasks.length + 1),
          };
          const routes = tailExchangedRoutes(fixture, move);
          const delta = sut.evaluate(move, Infinity);
          const trivial =
            (move.cut1 === 0 && move.cut2 === 0) ||
            (move.cut1 === fixture.plan.routes[v1].tasks.length &&
              move.cut2 === fixture.plan.routes[v2].tasks.length);
          if (trivial) {
            expect(delta).toBe(Infinity);
            continue;
          }
          expectVerdict(fixture, delta, routes, verdicts);
          if (delta < Infinity) {
            const before = fixture.plan.cost;
            sut.apply(move);
            expect(fixture.plan.cost - before).toBeCloseTo(delta, 6);
          }
        }
      }),
      { numRuns: 150 },
    );
    expect(verdicts.feasible).toBeGreaterThanOrEqual(MIN_FEASIBLE);
    expect(verdicts.infeasible).toBeGreaterThanOrEqual(MIN_INFEASIBLE);
  });
});

describe(IntraRouteMoves.name, () => {
  it('should only apply 2-opt and or-opt moves that keep the route feasible and lower its cost', () => {
    let improvedRoutes = 0;
    fc.assert(
      fc.property(instances, ([problem, seed]) => {
        const fixture = constructedPlan(problem, seed);
        scrambleRoutes(fixture, new SeededRandom(seed));
        const sut = new IntraRouteMoves(fixture.plan);
        for (let v = 0; v < fixture.compiled.vehicleCount; v++) {
          const before = fixture.plan.cost;
          const visits = [...fixture.plan.routes[v].tasks].sort((x, y) => x - y);
          const moves = sut.improve(v, COST_TOLERANCE);
          if (moves > 0) {
            expect(fixture.plan.cost).toBeLessThan(before);
            improvedRoutes++;
          } else expect(fixture.plan.cost).toBe(before);
          expect([...fixture.plan.routes[v].tasks].sort((x, y) => x - y)).toEqual(visits);
        }
        expect(violationsOf(fixture, fixture.plan.snapshot())).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(improvedRoutes).toBeGreaterThanOrEqual(MIN_IMPROVED_ROUTES);
  });

  it.each(['R201', 'RC202', 'C201'])(
    'should leave no 2-opt or or-opt move that the checker accepts and that lowers the cost (%s, 30 visits)',
    (name) => {
      const problem = solomonExcerpt(name, 3, 30);
      let comparedNeighbours = 0;
      for (const seed of [1, 2, 3]) {
        const fixture = constructedPlan(problem, seed);
        scrambleRoutes(fixture, new SeededRandom(seed));
        const sut = new IntraRouteMoves(fixture.plan);
        for (let v = 0; v < fixture.compiled.vehicleCount; v++) {
          sut.improve(v, COST_TOLERANCE);
          const kept = fixture.plan.routes[v].tasks;
          const keptCost = fixture.plan.routes[v].cost;
          for (const candidate of intraRouteNeighbours(kept)) {
            const routes = fixture.plan.snapshot();
            routes[v] = candidate;
            if (violationsOf(fixture, routes).length > 0) continue;
            fixture.plan.setRouteTasks(v, candidate);
            expect(fixture.plan.routes[v].cost).toBeGreaterThanOrEqual(keptCost - COST_TOLERANCE);
            comparedNeighbours++;
          }
          fixture.plan.setRouteTasks(v, kept);
        }
      }
      expect(comparedNeighbours).toBeGreaterThanOrEqual(MIN_COMPARED_NEIGHBOURS);
    },
  );

  it('should find the better order of a route whose two visits are served back to front', () => {
    let comparedRoutes = 0;
    fc.assert(
      fc.property(instances, ([problem, seed]) => {
        const fixture = constructedPlan(problem, seed);
        const sut = new IntraRouteMoves(fixture.plan);
        for (let v = 0; v < fixture.compiled.vehicleCount; v++) {
          const tasks = fixture.plan.routes[v].tasks;
          if (tasks.length !== 2) continue;
          sut.improve(v, COST_TOLERANCE);
          const kept = fixture.plan.routes[v].cost;
          const swapped = [tasks[1], tasks[0]];
          const routes = fixture.plan.snapshot();
          routes[v] = swapped;
          if (violationsOf(fixture, routes).length > 0) continue;
          fixture.plan.setRouteTasks(v, swapped);
          // After the descent, the reverse order is never strictly cheaper.
          expect(fixture.plan.routes[v].cost).toBeGreaterThanOrEqual(kept - COST_TOLERANCE);
          comparedRoutes++;
          fixture.plan.setRouteTasks(v, [swapped[1], swapped[0]]);
        }
      }),
      { numRuns: 100 },
    );
    expect(comparedRoutes).toBeGreaterThanOrEqual(MIN_COMPARED_ROUTES);
  });
});

describe('replacedTasks', () => {
  it('should put the incoming visit in place, before or after the outgoing one, counting slots before the move', () => {
    const tasks = [10, 11, 12, 13];
    expect(replacedTasks(tasks, 2, 99, IN_PLACE)).toEqual([10, 99, 12, 13]);
    expect(replacedTasks(tasks, 3, 99, 0)).toEqual([99, 10, 11, 13]);
    expect(replacedTasks(tasks, 1, 99, 2)).toEqual([11, 99, 12, 13]);
    expect(replacedTasks(tasks, 2, 99, 4)).toEqual([10, 12, 13, 99]);
  });
});

describe(SwapStarMoves.name, () => {
  it('should call a SWAP* move feasible exactly when the checker accepts the resulting plan, and predict its cost change', () => {
    expectVerdictsMatchChecker(
      (fixture) => new SwapStarMoves(fixture.plan),
      (fixture, random, v1, v2) => {
        const n1 = fixture.plan.routes[v1].tasks.length;
        const n2 = fixture.plan.routes[v2].tasks.length;
        if (n2 === 0) return null;
        const first = 1 + random.nextInt(n1);
        const second = 1 + random.nextInt(n2);
        return {
          v1,
          first,
          slot1: randomSlot(random, n1, first),
          v2,
          second,
          slot2: randomSlot(random, n2, second),
        };
      },
      (sut, move) => sut.evaluate(move),
      swappedRoutes,
    );
  });

  it('should only return moves that lower the cost by the stated amount and keep the plan checker-valid', () => {
    let found = 0;
    fc.assert(
      fc.property(instances, ([problem, seed]) => {
        const fixture = constructedPlan(problem, seed);
        scrambleRoutes(fixture, new SeededRandom(seed));
        const sut = new SwapStarMoves(fixture.plan);
        const move: SwapStar = { v1: 0, first: 0, slot1: 0, v2: 0, second: 0, slot2: 0 };
        const V = fixture.compiled.vehicleCount;
        for (let v1 = 0; v1 < V; v1++) {
          for (let v2 = 0; v2 < V; v2++) {
            const delta = sut.findBest(v1, v2, -COST_TOLERANCE, move);
            if (delta === Infinity) continue;
            const before = fixture.plan.cost;
            expect(delta).toBeLessThan(-COST_TOLERANCE);
            sut.apply(move);
            expect(fixture.plan.cost - before).toBeCloseTo(delta, 6);
            found++;
          }
        }
        expect(violationsOf(fixture, fixture.plan.snapshot())).toEqual([]);
      }),
      { numRuns: 200 },
    );
    expect(found).toBeGreaterThanOrEqual(MIN_IMPROVED_ROUTES);
  });

  it.each(['R201', 'RC202', 'R205'])(
    'should improve a constructed %s plan (60 visits, 4 vehicles) move by move, each checker-valid',
    (name) => {
      const problem = solomonExcerpt(name, 4, 60);
      let applied = 0;
      for (const seed of [1, 2, 3]) {
        const fixture = constructedPlan(problem, seed);
        const sut = new SwapStarMoves(fixture.plan);
        const move: SwapStar = { v1: 0, first: 0, slot1: 0, v2: 0, second: 0, slot2: 0 };
        const V = fixture.compiled.vehicleCount;
        for (let v1 = 0; v1 < V; v1++) {
          for (let v2 = v1 + 1; v2 < V; v2++) {
            const before = fixture.plan.cost;
            const delta = sut.findBest(v1, v2, -COST_TOLERANCE, move);
            if (delta === Infinity) continue;
            sut.apply(move);
            expect(fixture.plan.cost - before).toBeCloseTo(delta, 6);
            expect(violationsOf(fixture, fixture.plan.snapshot())).toEqual([]);
            applied++;
          }
        }
      }
      expect(applied).toBeGreaterThanOrEqual(1);
    },
  );
});
