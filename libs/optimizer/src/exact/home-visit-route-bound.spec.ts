import fc from 'fast-check';

import { checkSolution } from '../checker';
import { solveSync } from '../heuristic';
import { compileProblem, type CompiledProblem, type Problem } from '../model';
import { generateHomeVisitDay } from '../scenarios';
import { tinyDayArbitrary } from '../testing/instance-arbitraries';

import { HighsBackend } from './highs-backend';
import { homeVisitBounds } from './home-visit-bounds';
import {
  buildShiftPricingData,
  homeVisitRouteBound,
  lagrangianTravelBound,
  priceShift,
} from './home-visit-route-bound';
import { MipModelBuilder } from './mip-model';
import { solveMip } from './mip-solver';
import { buildNgShiftGraph, priceNgRoutes } from './ng-route-pricing';
import { completionBound, nodesOnNegativeRoutes, pricePrunedShift } from './pruned-ng-pricing';
import { solveSmallExact } from './small-exact';

const SLACK = 1e-6;

/** Visit multipliers λ ≥ 0 and a priority multiplier μ ≥ 0. */
const multipliersArbitrary = (visits: number) =>
  fc.record({
    lambdas: fc.array(fc.double({ min: 0, max: 4_000, noNaN: true }), {
      minLength: visits,
      maxLength: visits,
    }),
    mu: fc.double({ min: 0, max: 3_000, noNaN: true }),
  });

/** Earliest start of appointment a in any of its windows when arriving at `arrival`, or Infinity. */
function earliestStart(compiled: CompiledProblem, a: number, arrival: number): number {
  let start = Infinity;
  for (
    let task = compiled.appointmentFirstTask[a] ?? 0;
    task < (compiled.appointmentFirstTask[a + 1] ?? 0);
    task += 1
  ) {
    const begin = Math.max(arrival, compiled.taskReady[task] ?? 0);
    if (begin <= (compiled.taskDue[task] ?? 0) + 1e-6) start = Math.min(start, begin);
  }
  return start;
}

/**
 * Every elementary visiting order of the shift's eligible visits that is
 * time-feasible when leaving at the shift start (earliest start in each
 * window) and whose travel + service fits min(max working, shift length):
 * a superset of the shift's feasible routes.
 */
function enumerateRoutes(
  compiled: CompiledProblem,
  vehicle: number,
  visit: (appointments: readonly number[], travel: number) => void,
  workingCap = true,
): void {
  const A = compiled.appointmentCount;
  const L = compiled.locationCount;
  const seconds = compiled.travelSeconds;
  const startLocation = compiled.vehicleStartLocation[vehicle] ?? 0;
  const endLocation = compiled.vehicleEndLocation[vehicle] ?? 0;
  const shiftEnd = compiled.vehicleShiftEnd[vehicle] ?? 0;
  const shiftStart = compiled.vehicleShiftStart[vehicle] ?? 0;
  const capacity = Math.min(compiled.vehicleMaxWorking[vehicle] ?? Infinity, shiftEnd - shiftStart);
  const eligible = Array.from({ length: A }, (_, a) => a).filter(
    (a) => compiled.eligible[vehicle * A + a] === 1,
  );
  const path: number[] = [];
  const used = new Set<number>();
  const extend = (time: number, here: number, travel: number, service: number): void => {
    if (path.length > 0) {
      const back = seconds[here * L + endLocation] ?? 0;
      if (
        time + back <= shiftEnd + 1e-6 &&
        (!workingCap || travel + back + service <= capacity + 1e-6)
      )
        visit(path, travel + back);
    }
    for (const a of eligible) {
      if (used.has(a)) continue;
      const location = compiled.appointmentLocation[a] ?? 0;
      const leg = seconds[here * L + location] ?? 0;
      const arrival = time + leg;
      const start = earliestStart(compiled, a, arrival);
      if (!Number.isFinite(start)) continue;
      const duration = compiled.appointmentDuration[a] ?? 0;
      path.push(a);
      used.add(a);
      extend(start + duration, location, travel + leg, service + duration);
      path.pop();
      used.delete(a);
    }
  };
  extend(shiftStart, startLocation, 0, 0);
}

/** π_a = λ_a − μ·p_a. */
function nodePrices(
  compiled: CompiledProblem,
  lambdas: readonly number[],
  mu: number,
): Float64Array {
  return Float64Array.from(
    { length: compiled.appointmentCount },
    (_, a) => (lambdas[a] ?? 0) - mu * (compiled.appointmentPriority[a] ?? 1),
  );
}

/**
 * Least reduced cost of the first shift's routes (only those whose visits all pass `keep`) ignoring the
 * working-time cap, as the labelling does.
 */
function cheapestIgnoringWorkingCap(
  compiled: CompiledProblem,
  pi: Float64Array,
  keep: (appointment: number) => boolean = () => true,
): number {
  let cheapest = Infinity;
  enumerateRoutes(
    compiled,
    0,
    (route, travel) => {
      if (!route.every(keep)) return;
      cheapest = Math.min(
        cheapest,
        route.reduce((sum, a) => sum + (pi[a] ?? 0), travel),
      );
    },
    false,
  );
  return cheapest;
}

/** The pruned pricing of the first shift, fresh graph cache, no clock. */
function priceFirstShiftPruned(
  compiled: CompiledProblem,
  pi: Float64Array,
  keptRadius: number,
  labelCap: number,
  more: Partial<Parameters<typeof pricePrunedShift>[4]> = {},
): ReturnType<typeof pricePrunedShift> {
  const [shift] = buildShiftPricingData(compiled);
  return pricePrunedShift(
    compiled,
    shift,
    pi,
    keptRadius,
    { maxItems: 100, labelCap, labelMs: Infinity, ...more },
    { key: '', graph: undefined },
  );
}

/** The pruned labelling (no caps) prices the first shift at min(0, cheapest). */
function expectPrunedPrice(
  compiled: CompiledProblem,
  pi: Float64Array,
  keptRadius: number,
  cheapest: number,
): void {
  const sut = priceFirstShiftPruned(compiled, pi, keptRadius, 1e6);

  expect(typeof sut).toBe('object');
  if (typeof sut === 'object') expect(sut.value).toBeCloseTo(Math.min(0, cheapest), 4);
}

/** One provider at location 0 for `shiftSeconds`, and a 30-minute visit at every other location of the matrix. */
function dayOfVisits(shiftSeconds: number, seconds: number[][]): Problem {
  return {
    locations: seconds.map((_, index) => ({ id: `l${index}` })),
    travel: { kind: 'matrix', seconds },
    providers: [
      {
        id: 'p',
        credentials: [],
        startLocation: 0,
        endLocation: 0,
        availability: [{ start: 0, end: shiftSeconds }],
      },
    ],
    appointments: seconds
      .slice(1)
      .map((_, index) => ({ id: `v${index}`, location: index + 1, durationSeconds: 1800 })),
  };
}

/**
 * Visits a and c in a 5,100 s shift: home → a 600 s, a → c 300 s, c → home 600 s, but c → a 5,000 s, so a → c →
 * home is the one route through both and ends exactly at the shift end.
 */
function aThenCDay(): Problem {
  return dayOfVisits(5100, [
    [0, 600, 600],
    [600, 0, 300],
    [600, 5000, 0],
  ]);
}

/** A one-provider tiny day with node prices π for its visits. */
const oneProviderDayWithPrices = fc
  .tuple(tinyDayArbitrary({ providers: [1, 1] }), multipliersArbitrary(7))
  .map(([{ problem }, { lambdas, mu }]) => {
    const compiled = compileProblem(problem);
    return { compiled, pi: nodePrices(compiled, lambdas, mu) };
  });

/**
 * The LP relaxation over every route of every shift (enumerated; working-time cap dropped, as the
 * labelling drops it): min Σ travel·z, ≤ 1 route per shift, each visit ≤ once, priority ≥ floor.
 */
async function routeLpOptimum(compiled: CompiledProblem, servedFloor: number): Promise<number> {
  const model = new MipModelBuilder('route-lp');
  const objective: { variable: number; coefficient: number }[] = [];
  const perShift: { variable: number; coefficient: number }[][] = [];
  const perVisit = Array.from(
    { length: compiled.appointmentCount },
    () => [] as { variable: number; coefficient: number }[],
  );
  const priority: { variable: number; coefficient: number }[] = [];
  for (let vehicle = 0; vehicle < compiled.vehicleCount; vehicle += 1) {
    const terms: { variable: number; coefficient: number }[] = [];
    enumerateRoutes(
      compiled,
      vehicle,
      (route, travel) => {
        const variable = model.addVariable(`z${model.variableCount}`);
        objective.push({ variable, coefficient: travel });
        terms.push({ variable, coefficient: 1 });
        for (const a of route) perVisit[a]?.push({ variable, coefficient: 1 });
        const collected = route.reduce((sum, a) => sum + (compiled.appointmentPriority[a] ?? 1), 0);
        priority.push({ variable, coefficient: collected });
      },
      false,
    );
    perShift.push(terms);
  }
  perShift.forEach((terms, vehicle) => model.addLessOrEqual(`shift${vehicle}`, terms, 1));
  perVisit.forEach((terms, a) => model.addLessOrEqual(`visit${a}`, terms, 1));
  model.addGreaterOrEqual('floor', priority, servedFloor);
  model.setObjective('minimize', objective);
  const answer = await solveMip(new HighsBackend(), model.build());
  if (answer.status !== 'optimal' || answer.objective === undefined)
    throw new Error(`route LP: ${answer.status}`);
  return answer.objective;
}

describe('home-visit route bound', () => {
  it('should price every shift at or below its cheapest feasible route (brute force)', () => {
    fc.assert(
      fc.property(
        tinyDayArbitrary({ appointments: [3, 6] }),
        multipliersArbitrary(6),
        ({ problem }, { lambdas, mu }) => {
          const compiled = compileProblem(problem);
          const pi = nodePrices(compiled, lambdas, mu);
          const shifts = buildShiftPricingData(compiled);

          for (const shift of shifts) {
            let cheapest = Infinity;
            enumerateRoutes(compiled, shift.vehicle, (route, travel) => {
              const reduced = route.reduce((sum, a) => sum + (pi[a] ?? 0), travel);
              cheapest = Math.min(cheapest, reduced);
            });
            const sut = priceShift(shift, pi);

            expect(sut.value).toBeLessThanOrEqual(cheapest + SLACK);
          }
        },
      ),
      { numRuns: 40, seed: 23 },
    );
  });

  it('should price exactly like brute force with ng-memories covering tiny shifts (elementary routes)', () => {
    fc.assert(
      fc.property(oneProviderDayWithPrices, ({ compiled, pi }) => {
        const items = Int32Array.from({ length: compiled.appointmentCount }, (_, a) => a).filter(
          (a) => compiled.eligible[a] === 1,
        );
        const cheapest = cheapestIgnoringWorkingCap(compiled, pi);

        const sut = priceNgRoutes(buildNgShiftGraph(compiled, 0, items), pi, { labelCap: 1e6 });

        expect(sut).toBeDefined();
        if (Number.isFinite(cheapest)) expect(sut!.value).toBeCloseTo(cheapest, 4);
        else expect(sut!.value).toBe(Infinity);
      }),
      { numRuns: 40, seed: 41 },
    );
  });

  it('should price min(0, brute force) exactly when the completion bound prunes the labelling (elementary routes)', () => {
    fc.assert(
      fc.property(oneProviderDayWithPrices, ({ compiled, pi }) => {
        expectPrunedPrice(compiled, pi, Infinity, cheapestIgnoringWorkingCap(compiled, pi));
      }),
      { numRuns: 60, seed: 43 },
    );
  });

  it('should keep every visit of every route below zero when cutting a graph down before labelling', () => {
    let dropped = 0;
    let negativeRoutes = 0;
    fc.assert(
      fc.property(
        oneProviderDayWithPrices,
        fc.constantFrom(8, 32, 96),
        ({ compiled, pi }, buckets) => {
          const items = Int32Array.from({ length: compiled.appointmentCount }, (_, a) => a).filter(
            (a) => compiled.eligible[a] === 1,
          );
          const graph = buildNgShiftGraph(compiled, 0, items);

          const sut = nodesOnNegativeRoutes(graph, pi, buckets);

          if (sut === undefined) return;
          const kept = new Set(Array.from(sut, (node) => graph.appointment[node]));
          dropped += graph.size - kept.size;
          enumerateRoutes(
            compiled,
            0,
            (route, travel) => {
              if (route.reduce((sum, a) => sum + (pi[a] ?? 0), travel) >= -SLACK) return;
              negativeRoutes += 1;
              for (const a of route) expect(kept.has(a)).toBe(true);
            },
            false,
          );
        },
      ),
      { numRuns: 80, seed: 89 },
    );
    // Neither side is vacuous: visits were dropped, and routes below zero were checked.
    expect(dropped).toBeGreaterThan(0);
    expect(negativeRoutes).toBeGreaterThan(0);
  });

  it('should keep a visit that only a valuable visit before it brings below zero, with a route that just fits the shift', () => {
    // a is worth more than its round trip; c is not, but a → c → home is just below zero and ends exactly at the
    // shift end (c → a is too long to fit): c must be reached through a's prefix, leaving a no later than it
    // really does.
    const compiled = compileProblem(aThenCDay());
    const pi = Float64Array.from([-1_700, 100]);
    const graph = buildNgShiftGraph(compiled, 0, Int32Array.from([0, 1]));

    const sut = nodesOnNegativeRoutes(graph, pi, 32);

    expect(cheapestIgnoringWorkingCap(compiled, pi, (a) => a === 0)).toBeCloseTo(-500, 6);
    expect(cheapestIgnoringWorkingCap(compiled, pi, (a) => a === 1)).toBeCloseTo(1_300, 6);
    expect(cheapestIgnoringWorkingCap(compiled, pi)).toBeCloseTo(-500, 6);
    expect(Array.from(sut ?? [])).toEqual([0, 1]);
    // Worth a little less, c lies on no route below zero and goes.
    const cut = nodesOnNegativeRoutes(graph, Float64Array.from([-1_700, 250]), 32);
    expect(Array.from(cut ?? [])).toEqual([0]);
  });

  it('should price a graph cut down before labelling at the least route of what is left, even one too large to label before', () => {
    // The day above with c worth too little: the cut leaves a alone, whose round trip is just below zero.
    const compiled = compileProblem(aThenCDay());
    const pi = Float64Array.from([-1_250, 250]);
    const graph = buildNgShiftGraph(compiled, 0, Int32Array.from([0, 1]));

    const cut = priceFirstShiftPruned(compiled, pi, Infinity, 1e6, { reduceAbove: 0 });
    // Two visits are too many to label with a cap of one, but one is left after the cut.
    const cutToLabel = priceFirstShiftPruned(compiled, pi, Infinity, 1e6, {
      reduceAbove: 0,
      maxItems: 1,
    });

    expect(Array.from(nodesOnNegativeRoutes(graph, pi, 32) ?? [])).toEqual([0]);
    for (const sut of [cut, cutToLabel]) {
      expect(typeof sut === 'object' && !('gaveUp' in sut)).toBe(true);
      if (typeof sut === 'object' && !('gaveUp' in sut)) {
        expect(sut.value).toBeCloseTo(-50, 6);
        expect(sut.routes[0]?.appointments).toEqual([0]);
      }
    }
  });

  it('should price min(0, brute force) exactly when the graph is cut down before labelling (elementary routes)', () => {
    fc.assert(
      fc.property(oneProviderDayWithPrices, ({ compiled, pi }) => {
        const cheapest = cheapestIgnoringWorkingCap(compiled, pi);

        const sut = priceFirstShiftPruned(compiled, pi, Infinity, 1e6, { reduceAbove: 0 });

        expect(typeof sut === 'object' && !('gaveUp' in sut)).toBe(true);
        if (typeof sut === 'object') expect(sut.value).toBeCloseTo(Math.min(0, cheapest), 4);
      }),
      { numRuns: 80, seed: 97 },
    );
  });

  it('should price a graph too large to label at min(0, brute force) after the cut, or bound it from below', () => {
    let labelled = 0;
    let boundOnly = 0;
    fc.assert(
      fc.property(oneProviderDayWithPrices, ({ compiled, pi }) => {
        const [shift] = buildShiftPricingData(compiled);
        if (shift.items.length < 2) return;
        const cheapest = cheapestIgnoringWorkingCap(compiled, pi);

        const sut = priceFirstShiftPruned(compiled, pi, Infinity, 1e6, {
          reduceAbove: 0,
          maxItems: shift.items.length - 1,
        });

        expect(typeof sut).toBe('object');
        if (typeof sut !== 'object') return;
        if ('gaveUp' in sut) {
          // Still too large after the cut: the bound at the first visit, never above the least route.
          boundOnly += 1;
          expect(sut.gaveUp).toBe(false);
          expect(sut.value).toBeLessThanOrEqual(Math.min(0, cheapest) + SLACK);
        } else {
          labelled += 1;
          expect(sut.value).toBeCloseTo(Math.min(0, cheapest), 4);
        }
      }),
      { numRuns: 80, seed: 101 },
    );
    expect(labelled).toBeGreaterThan(0);
    expect(boundOnly).toBeGreaterThan(0);
  });

  it('should bound min(0, brute force) from below with the labelling skipped (the bound at the first visit)', () => {
    fc.assert(
      fc.property(oneProviderDayWithPrices, ({ compiled, pi }) => {
        const cheapest = cheapestIgnoringWorkingCap(compiled, pi);

        const sut = priceFirstShiftPruned(compiled, pi, Infinity, 0);

        expect(typeof sut).toBe('object');
        if (typeof sut !== 'object') return;
        // (A shift with no eligible visit prices at 0 without any bound.)
        if ('gaveUp' in sut) expect(sut.gaveUp).toBe(false);
        expect(sut.value).toBeLessThanOrEqual(Math.min(0, cheapest) + SLACK);
        expect(sut.value).toBeGreaterThan(-Infinity);
      }),
      { numRuns: 60, seed: 67 },
    );
  });

  it('should never let the bound at the first visit walk straight back to the visit it just left (2-cycles)', () => {
    // Two visits a minute apart and ten minutes from home, both worth far more than their legs: a walk may
    // alternate between them all day, an elementary route serves each once.
    const compiled = compileProblem(
      dayOfVisits(8 * 3600, [
        [0, 600, 600],
        [600, 0, 60],
        [600, 60, 0],
      ]),
    );
    const pi = Float64Array.from([-10_000, -10_000]);
    const cheapest = cheapestIgnoringWorkingCap(compiled, pi);

    const sut = priceFirstShiftPruned(compiled, pi, Infinity, 0);

    expect(cheapest).toBeCloseTo(600 + 60 + 600 - 20_000, 6);
    expect(typeof sut === 'object' && sut.value).toBeCloseTo(cheapest, 4);
    // The table's least walk is that route, at its real travel.
    const walk = typeof sut === 'object' && 'walks' in sut ? sut.walks[0] : undefined;
    expect([...(walk?.appointments ?? [])].sort()).toEqual([0, 1]);
    expect(walk?.travel).toBeCloseTo(1260, 6);
    expect(walk?.value).toBeCloseTo(cheapest, 4);
  });

  it('should bound the route by its first visit exactly when at most three visits fit and the walk must turn away from the best next visit', () => {
    // Three visits fit in the shift; a and b are a minute apart and worth most, c is five minutes from both. From
    // a, the walk's best step is b, whose own best step (back to a) is barred: b must continue with its second.
    const compiled = compileProblem(
      dayOfVisits(2 * 3600, [
        [0, 600, 600, 600],
        [600, 0, 60, 300],
        [600, 60, 0, 300],
        [600, 300, 300, 0],
      ]),
    );
    const pi = Float64Array.from([-10_000, -10_000, -5_000]);
    const cheapest = cheapestIgnoringWorkingCap(compiled, pi);

    const sut = priceFirstShiftPruned(compiled, pi, Infinity, 0);

    expect(cheapest).toBeCloseTo(600 + 60 + 300 + 600 - 25_000, 6);
    expect(typeof sut === 'object' && sut.value).toBeCloseTo(cheapest, 4);
    // The least walk turns to c after a and b, as the table did.
    const walk = typeof sut === 'object' && 'walks' in sut ? sut.walks[0] : undefined;
    expect(walk?.appointments.slice(0, 2).sort()).toEqual([0, 1]);
    expect(walk?.appointments[2]).toBe(2);
    expect(walk?.appointments).toHaveLength(3);
    expect(walk?.value).toBeCloseTo(cheapest, 4);
  });

  it('should return the least walks of the walk table below zero, cheapest first, at their real travel and never straight back', () => {
    fc.assert(
      fc.property(oneProviderDayWithPrices, ({ compiled, pi }) => {
        const sut = priceFirstShiftPruned(compiled, pi, Infinity, 0, { keepRoutes: 4 });
        const walks = typeof sut === 'object' && 'walks' in sut ? sut.walks : [];
        const L = compiled.locationCount;
        const location = (a: number): number => compiled.appointmentLocation[a] ?? 0;
        const home = compiled.vehicleStartLocation[0];

        walks.forEach((walk, index) => {
          const stops = walk.appointments;
          let travel = 0;
          let value = 0;
          stops.forEach((a, position) => {
            const from = position === 0 ? home : location(stops[position - 1]);
            travel += compiled.travelSeconds[from * L + location(a)] ?? 0;
            value += pi[a] ?? 0;
            if (position >= 2) expect(a).not.toBe(stops[position - 2]);
          });
          travel += compiled.travelSeconds[location(stops[stops.length - 1]) * L + home] ?? 0;
          expect(walk.travel).toBeCloseTo(travel, 6);
          expect(walk.value).toBeCloseTo(travel + value, 6);
          expect(walk.value).toBeLessThan(0);
          if (index > 0) expect(walk.value).toBeGreaterThanOrEqual(walks[index - 1].value - SLACK);
          if (index > 0) expect(stops[0]).not.toBe(walks[index - 1].appointments[0]);
        });
        // The bound at the first visit is at least the least walk's value (it also has the knapsack bound).
        if (typeof sut === 'object' && walks.length > 0)
          expect(sut.value).toBeGreaterThanOrEqual(walks[0].value - SLACK);
      }),
      { numRuns: 60, seed: 83 },
    );
  });

  it('should give a shift with too many visits to label the bound at its first visit, up to three times the limit', () => {
    fc.assert(
      fc.property(
        oneProviderDayWithPrices,
        fc.integer({ min: 1, max: 4 }),
        ({ compiled, pi }, maxItems) => {
          const cheapest = cheapestIgnoringWorkingCap(compiled, pi);
          const [shift] = buildShiftPricingData(compiled);
          const kept = shift.items.length;
          fc.pre(kept > maxItems);

          const sut = pricePrunedShift(
            compiled,
            shift,
            pi,
            Infinity,
            { maxItems, labelCap: 1e6, labelMs: Infinity },
            { key: '', graph: undefined },
          );

          if (kept > 3 * maxItems) expect(sut).toBe('too many visits');
          else {
            // The bound at the first visit, without labels: no routes, and no give-up counted.
            expect(typeof sut === 'object' && 'gaveUp' in sut ? sut.gaveUp : 'labelled').toBe(
              false,
            );
            if (typeof sut === 'object')
              expect(sut.value).toBeLessThanOrEqual(Math.min(0, cheapest) + SLACK);
          }
        },
      ),
      { numRuns: 60, seed: 79 },
    );
  });

  it('should bound min(0, brute force) from below with a smaller ng-memory (repeats allowed beyond it)', () => {
    fc.assert(
      fc.property(
        oneProviderDayWithPrices,
        fc.constantFrom(0, 1, 2),
        ({ compiled, pi }, ngSize) => {
          const cheapest = cheapestIgnoringWorkingCap(compiled, pi);

          const sut = priceFirstShiftPruned(compiled, pi, Infinity, 1e6, { ngSize });

          expect(typeof sut).toBe('object');
          if (typeof sut !== 'object') return;
          expect('gaveUp' in sut).toBe(false);
          expect(sut.value).toBeLessThanOrEqual(Math.min(0, cheapest) + SLACK);
        },
      ),
      { numRuns: 60, seed: 71 },
    );
  });

  it('should label a shift that gave up twice with the smaller memory, and after two more give-ups price it at its first visit', () => {
    fc.assert(
      fc.property(oneProviderDayWithPrices, ({ compiled, pi }) => {
        const cheapest = cheapestIgnoringWorkingCap(compiled, pi);
        // A route of negative reduced cost exists, so no relaxation proves the shift ≥ 0 and it is labelled.
        fc.pre(cheapest < -SLACK);
        const [shift] = buildShiftPricingData(compiled);

        shift.ngOverflows = 2;
        const relaxed = priceShift(shift, pi);
        shift.ngOverflows = 4;
        const firstVisit = priceShift(shift, pi);

        expect(relaxed.relaxedMemory).toBe(true);
        expect(relaxed.routes?.length).toBeGreaterThan(0);
        expect(relaxed.value).toBeLessThanOrEqual(cheapest + SLACK);
        expect(firstVisit.routes).toBeUndefined();
        expect(firstVisit.relaxedMemory).toBeUndefined();
        expect(firstVisit.value).toBeLessThanOrEqual(cheapest + SLACK);
        // Its walks go to the master instead of routes.
        expect(firstVisit.walks?.length).toBeGreaterThan(0);
      }),
      { numRuns: 40, seed: 73 },
    );
  });

  it('should never put a graph entry leg above the leg that enters a visit on a feasible route', () => {
    fc.assert(
      fc.property(tinyDayArbitrary({ appointments: [3, 7], providers: [1, 1] }), ({ problem }) => {
        const compiled = compileProblem(problem);
        const L = compiled.locationCount;
        const items = Int32Array.from({ length: compiled.appointmentCount }, (_, a) => a).filter(
          (a) => compiled.eligible[a] === 1,
        );
        const graph = buildNgShiftGraph(compiled, 0, items);
        const node = new Map(Array.from(items, (a, j) => [a, j]));

        enumerateRoutes(
          compiled,
          0,
          (route) => {
            for (let k = 1; k < route.length; k += 1) {
              const from = compiled.appointmentLocation[route[k - 1] ?? 0] ?? 0;
              const to = compiled.appointmentLocation[route[k] ?? 0] ?? 0;
              const entry = graph.inLeg[node.get(route[k] ?? 0) ?? 0] ?? 0;
              expect(entry).toBeLessThanOrEqual(
                (compiled.travelSeconds[from * L + to] ?? 0) + SLACK,
              );
            }
          },
          false,
        );
      }),
      { numRuns: 60, seed: 47 },
    );
  });

  it('should never put the completion bound above the reduced cost of the rest of a feasible route', () => {
    fc.assert(
      fc.property(oneProviderDayWithPrices, ({ compiled, pi }) => {
        const L = compiled.locationCount;
        const [shift] = buildShiftPricingData(compiled);
        const kept = Array.from(shift.items, (_, j) => j);
        const graph = buildNgShiftGraph(compiled, 0, shift.items);
        const sut = completionBound(shift, kept, graph, pi);
        const node = new Map(Array.from(shift.items, (a, j) => [a, j]));
        const home = compiled.vehicleEndLocation[0];
        const location = (a: number): number => compiled.appointmentLocation[a] ?? 0;

        enumerateRoutes(
          compiled,
          0,
          (route) => {
            // Finish time of each visit, leaving at the shift start and starting each as early as its windows allow.
            const finish: number[] = [];
            let time = compiled.vehicleShiftStart[0];
            let here = compiled.vehicleStartLocation[0];
            for (const a of route) {
              const arrival = time + (compiled.travelSeconds[here * L + location(a)] ?? 0);
              time = earliestStart(compiled, a, arrival) + (compiled.appointmentDuration[a] ?? 0);
              here = location(a);
              finish.push(time);
            }
            // The rest after visit k: later visits' π, the legs between them and the leg home.
            let rest = compiled.travelSeconds[here * L + home] ?? 0;
            for (let k = route.length - 1; k >= 0; k -= 1) {
              const a = route[k] ?? 0;
              expect(sut(node.get(a) ?? 0, finish[k] ?? 0)).toBeLessThanOrEqual(rest + SLACK);
              if (k > 0) {
                const previous = route[k - 1] ?? 0;
                rest +=
                  (pi[a] ?? 0) +
                  (compiled.travelSeconds[location(previous) * L + location(a)] ?? 0);
              }
            }
          },
          false,
        );
      }),
      { numRuns: 60, seed: 59 },
    );
  });

  it('should give the completion bound itself, or a value at least `enough` only when the bound reaches it', () => {
    let reached = 0;
    let below = 0;
    fc.assert(
      fc.property(
        oneProviderDayWithPrices,
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: -4_000, max: 4_000 }),
        ({ compiled, pi }, tenths, enough) => {
          const [shift] = buildShiftPricingData(compiled);
          const kept = Array.from(shift.items, (_, j) => j);
          const graph = buildNgShiftGraph(compiled, 0, shift.items);
          const bound = completionBound(shift, kept, graph, pi);
          const time = shift.shiftStart + (tenths / 10) * (shift.shiftEnd - shift.shiftStart);
          for (let node = 0; node < graph.size; node += 1) {
            const full = bound(node, time);

            const sut = bound(node, time, enough);

            if (full >= enough) {
              reached += 1;
              expect(sut).toBeGreaterThanOrEqual(enough);
            } else {
              below += 1;
              expect(sut).toBe(full);
            }
          }
        },
      ),
      { numRuns: 60, seed: 103 },
    );
    expect(reached).toBeGreaterThan(0);
    expect(below).toBeGreaterThan(0);
  });

  it('should price min(0, brute force over the kept visits) when radius pruning keeps only some of them', () => {
    fc.assert(
      fc.property(
        oneProviderDayWithPrices,
        fc.double({ min: 0, max: 1, noNaN: true }),
        ({ compiled, pi }, share) => {
          const [shift] = buildShiftPricingData(compiled);
          const sorted = Float64Array.from(shift.radius).sort();
          const keptRadius = sorted[Math.floor(share * (sorted.length - 1))] ?? 0;
          const kept = new Set(
            Array.from(shift.items).filter((_, j) => (shift.radius[j] ?? 0) <= keptRadius),
          );

          expectPrunedPrice(
            compiled,
            pi,
            keptRadius,
            cheapestIgnoringWorkingCap(compiled, pi, (a) => kept.has(a)),
          );
        },
      ),
      { numRuns: 60, seed: 53 },
    );
  });

  it('should stay below the least travel of any plan serving the floor at every iteration (one provider, brute force)', async () => {
    await fc.assert(
      fc.asyncProperty(
        tinyDayArbitrary({ appointments: [6, 6], providers: [1, 1] }),
        async ({ problem }) => {
          const compiled = compileProblem(problem);
          let best = 0;
          const routes: { priority: number; travel: number }[] = [];
          enumerateRoutes(compiled, 0, (route, travel) => {
            const priority = route.reduce(
              (sum, a) => sum + (compiled.appointmentPriority[a] ?? 1),
              0,
            );
            best = Math.max(best, priority);
            routes.push({ priority, travel });
          });
          // The most priority one route can collect: then the least travel doing so.
          const leastTravel = Math.min(
            ...routes.filter((route) => route.priority >= best).map((route) => route.travel),
          );

          const sut = await homeVisitRouteBound(compiled, best, { maxIterations: 60 });

          expect(sut.history.length).toBeGreaterThan(0);
          for (const value of sut.history) expect(value).toBeLessThanOrEqual(leastTravel + SLACK);
          expect(sut.bound).toBeLessThanOrEqual(leastTravel + SLACK);
        },
      ),
      { numRuns: 12, seed: 29 },
    );
  });

  it('should bound the travel of the exact optimum and of a checker-valid heuristic plan from below at every iteration', async () => {
    await fc.assert(
      fc.asyncProperty(tinyDayArbitrary(), async ({ problem }) => {
        const heuristic = solveSync(problem, { maxIterations: 300, seed: 1 });
        const exact = await solveSmallExact(problem);
        const compiled = compileProblem(problem);

        const sut = await homeVisitRouteBound(compiled, heuristic.objective.servedPriority, {
          warmStart: heuristic,
        });
        const atOptimum = await homeVisitRouteBound(compiled, exact.servedPriority ?? 0, {
          maxIterations: 60,
        });

        expect(checkSolution(problem, heuristic)).toEqual([]);
        expect(exact.status).toBe('optimal');
        expect(checkSolution(problem, exact.solution!)).toEqual([]);
        // The optimum serves the most priority, so at least the heuristic's floor.
        const optimumTravel = exact.solution!.objective.travelSeconds;
        for (const value of sut.history) {
          expect(value).toBeLessThanOrEqual(heuristic.objective.travelSeconds + SLACK);
          expect(value).toBeLessThanOrEqual(optimumTravel + SLACK);
        }
        for (const value of atOptimum.history)
          expect(value).toBeLessThanOrEqual(optimumTravel + SLACK);
      }),
      { numRuns: 12, seed: 17 },
    );
  });

  it('should converge to the optimum of the LP over every route on tiny days (column generation, HiGHS on the enumerated routes)', async () => {
    await fc.assert(
      fc.asyncProperty(tinyDayArbitrary(), async ({ problem }) => {
        const compiled = compileProblem(problem);
        const plan = solveSync(problem, { maxIterations: 300, seed: 1 });
        const floor = plan.objective.servedPriority;
        const optimum = await routeLpOptimum(compiled, floor);

        const sut = await homeVisitRouteBound(compiled, floor, { warmStart: plan });

        expect(sut.converged).toBe(true);
        expect(sut.bound).toBeCloseTo(optimum, 3);
      }),
      { numRuns: 20, seed: 61 },
    );
  });

  it('should price the shifts on helper threads exactly as on one (no clock cut-offs: the same multipliers and bounds)', async () => {
    const problem = generateHomeVisitDay({ appointments: 40, providers: 4, seed: 7 });
    const compiled = compileProblem(problem);
    const plan = solveSync(problem, { maxIterations: 1_000, seed: 1 });
    const floor = plan.objective.servedPriority;
    const alone = await homeVisitRouteBound(compiled, floor, {
      warmStart: plan,
      maxIterations: 15,
    });

    const sut = await homeVisitRouteBound(compiled, floor, {
      warmStart: plan,
      maxIterations: 15,
      threads: 3,
    });

    // Enough iterations to reach the labelling's column generation, where the helpers price.
    expect(alone.history.length).toBeGreaterThan(5);
    expect(sut.history).toEqual(alone.history);
    expect(sut.converged).toBe(alone.converged);
  });

  it('should give a non-positive Lagrangian value at zero multipliers and a higher one once priced', async () => {
    const problem = generateHomeVisitDay({ appointments: 40, providers: 4, seed: 3 });
    const compiled = compileProblem(problem);
    const plan = solveSync(problem, { maxIterations: 2_000, seed: 1 });
    const shifts = buildShiftPricingData(compiled);

    const atZero = lagrangianTravelBound(
      shifts,
      new Float64Array(compiled.appointmentCount),
      0,
      plan.objective.servedPriority,
      compiled,
    );
    const sut = await homeVisitRouteBound(compiled, plan.objective.servedPriority, {
      warmStart: plan,
      maxIterations: 120,
    });
    const nearest = await homeVisitBounds(compiled, plan.objective.servedPriority);

    expect(atZero.value).toBeLessThanOrEqual(0);
    expect(sut.bound).toBeLessThanOrEqual(plan.objective.travelSeconds + SLACK);
    // Round trips and per-provider inbound legs: above the nearest-neighbour knapsack on this day.
    expect(sut.bound).toBeGreaterThan(nearest.travelSecondsBound);
  });
});
