import { HighsBackend } from './highs-backend';
import { homeVisitRouteBound, type HomeRouteBound } from './home-visit-route-bound';
import { MipModelBuilder, type LinearTerm } from './mip-model';
import { solveMip } from './mip-solver';

import type { CompiledProblem, Solution } from '../model';

/**
 * Cheap valid bounds for home-visit days, where no exact model fits.
 *
 * Every served visit costs its shift at least its duration plus its
 * nearest-neighbour inbound travel (the shortest leg from any other visit's
 * location or any start location), and a shift's working span — which holds
 * all its service and travel — is at most min(max working time, shift length).
 *
 *  - served priority ≤ the LP  max Σ p_a·x_va  s.t.  Σ_v x_va ≤ 1,
 *    Σ_a (duration_a + inbound_a)·x_va ≤ capacity_v, x_va ≥ 0 only where v may
 *    serve a (credentials, restrictions, a one-visit shift fits);
 *  - travel of any plan serving ≥ P priority ≥ the fractional knapsack
 *    min Σ inbound_a·x_a s.t. Σ p_a·x_a ≥ P, 0 ≤ x ≤ 1 (return legs ≥ 0 dropped).
 *
 * Both relax the problem (time windows, routing order and return legs are
 * ignored), so they are far from tight, but they can never be wrong. With
 * `routeBoundMs` the travel bound also takes the route Lagrangian
 * (`home-visit-route-bound.ts`: round trips from each provider's home,
 * per-provider inbound legs, column generation on HiGHS) when it is higher.
 */

export interface HomeVisitBounds {
  /** Σ durations / Σ shift capacities: above 1 the day cannot be fully served by construction. */
  readonly demandRatio: number;
  /** Σ (duration + nearest inbound travel) / Σ shift capacities. */
  readonly demandWithTravelRatio: number;
  /** Upper bound on served priority (LP); undefined when the LP did not finish. */
  readonly servedPriorityBound?: number;
  /** Lower bound on travel seconds of any plan serving at least `servedFloor` priority (the best of the two below). */
  readonly travelSecondsBound: number;
  /** The nearest-inbound fractional knapsack alone. */
  readonly nearestTravelSecondsBound: number;
  /** The route Lagrangian (`home-visit-route-bound.ts`), when `routeBoundMs` > 0. */
  readonly route?: HomeRouteBound;
  readonly timeMs: number;
}

export interface HomeVisitBoundsOptions {
  /** Limit for the served-priority LP. */
  readonly timeLimitMs?: number;
  /** Budget of the route Lagrangian (column generation); 0 (default) skips it. */
  readonly routeBoundMs?: number;
  /** A plan to seed the route master with. */
  readonly warmStart?: Solution;
  /** Threads pricing the route Lagrangian's shifts (`HomeRouteBoundOptions.threads`, default 1). */
  readonly routeBoundThreads?: number;
}

export async function homeVisitBounds(
  compiled: CompiledProblem,
  servedFloor: number,
  options: HomeVisitBoundsOptions = {},
): Promise<HomeVisitBounds> {
  const started = performance.now();
  const A = compiled.appointmentCount;
  const V = compiled.vehicleCount;
  const inbound = nearestInboundSeconds(compiled);
  const capacity = Float64Array.from({ length: V }, (_, vehicle) =>
    Math.min(
      compiled.vehicleMaxWorking[vehicle] ?? Infinity,
      (compiled.vehicleShiftEnd[vehicle] ?? 0) - (compiled.vehicleShiftStart[vehicle] ?? 0),
    ),
  );
  const totalCapacity = capacity.reduce((sum, value) => sum + value, 0);
  let service = 0;
  let serviceWithTravel = 0;
  for (let a = 0; a < A; a += 1) {
    service += compiled.appointmentDuration[a] ?? 0;
    serviceWithTravel += (compiled.appointmentDuration[a] ?? 0) + (inbound[a] ?? 0);
  }

  const builder = new MipModelBuilder('home-served-capacity');
  const { vehicleGroups, classes } = aggregate(compiled, inbound, capacity);
  const byClass: LinearTerm[][] = classes.map(() => []);
  const objective: LinearTerm[] = [];
  vehicleGroups.forEach((group, groupIndex) => {
    const load: LinearTerm[] = [];
    classes.forEach((visitClass, classIndex) => {
      if (!visitClass.groups.has(groupIndex)) return;
      const variable = builder.addVariable(`x${groupIndex}_${classIndex}`, {
        upper: visitClass.count,
      });
      byClass[classIndex]?.push({ variable, coefficient: 1 });
      objective.push({ variable, coefficient: visitClass.priority });
      load.push({ variable, coefficient: visitClass.weight });
    });
    if (load.length > 0) builder.addLessOrEqual(`capacity${groupIndex}`, load, group.capacity);
  });
  byClass.forEach((terms, classIndex) => {
    if (terms.length > 1)
      builder.addLessOrEqual(`count${classIndex}`, terms, classes[classIndex]?.count ?? 0);
  });
  builder.setObjective('maximize', objective);
  const lp = await solveMip(new HighsBackend(), builder.build(), {
    ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
  });

  const nearest = cheapestTravelFor(compiled, inbound, servedFloor);
  const route =
    (options.routeBoundMs ?? 0) > 0
      ? await homeVisitRouteBound(compiled, servedFloor, {
          timeLimitMs: options.routeBoundMs ?? 0,
          ...(options.warmStart === undefined ? {} : { warmStart: options.warmStart }),
          ...(options.routeBoundThreads === undefined
            ? {}
            : { threads: options.routeBoundThreads }),
        })
      : undefined;
  return {
    demandRatio: service / Math.max(1, totalCapacity),
    demandWithTravelRatio: serviceWithTravel / Math.max(1, totalCapacity),
    ...(lp.status === 'optimal' && lp.objective !== undefined
      ? { servedPriorityBound: lp.objective }
      : {}),
    travelSecondsBound: Math.max(nearest, route?.bound ?? 0),
    nearestTravelSecondsBound: nearest,
    ...(route === undefined ? {} : { route }),
    timeMs: performance.now() - started,
  };
}

/** Weights are rounded down to this grain when grouping visits (seconds). */
const WEIGHT_GRAIN = 60;

interface VisitClass {
  readonly groups: ReadonlySet<number>;
  readonly weight: number;
  readonly priority: number;
  count: number;
}

/**
 * The LP over every (shift, visit) pair took 40 s at 2,000 visits. Shifts that
 * may serve exactly the same visits are merged (capacities summed), and visits
 * with the same set of merged shifts, the same priority and the same weight
 * rounded DOWN to a minute become one variable bounded by their count. Every
 * solution of the full LP maps onto this one with the same objective, so its
 * optimum is still an upper bound — only slightly looser.
 */
function aggregate(
  compiled: CompiledProblem,
  inbound: Float64Array,
  capacity: Float64Array,
): { vehicleGroups: { capacity: number }[]; classes: VisitClass[] } {
  const A = compiled.appointmentCount;
  const groupOfKey = new Map<string, number>();
  const vehicleGroups: { capacity: number }[] = [];
  const groupOfVehicle: number[] = [];
  for (let vehicle = 0; vehicle < compiled.vehicleCount; vehicle += 1) {
    const key = compiled.eligible.subarray(vehicle * A, (vehicle + 1) * A).join('');
    let group = groupOfKey.get(key);
    if (group === undefined) {
      group = vehicleGroups.length;
      groupOfKey.set(key, group);
      vehicleGroups.push({ capacity: capacity[vehicle] ?? 0 });
    } else {
      vehicleGroups[group] = {
        capacity: (vehicleGroups[group]?.capacity ?? 0) + (capacity[vehicle] ?? 0),
      };
    }
    groupOfVehicle.push(group);
  }
  const classOfKey = new Map<string, VisitClass>();
  for (let a = 0; a < A; a += 1) {
    const groups = new Set<number>();
    for (let vehicle = 0; vehicle < compiled.vehicleCount; vehicle += 1)
      if (compiled.eligible[vehicle * A + a] === 1) groups.add(groupOfVehicle[vehicle] ?? 0);
    if (groups.size === 0) continue;
    const weight =
      Math.floor(((compiled.appointmentDuration[a] ?? 0) + (inbound[a] ?? 0)) / WEIGHT_GRAIN) *
      WEIGHT_GRAIN;
    const priority = compiled.appointmentPriority[a] ?? 1;
    const key = `${[...groups].sort((x, y) => x - y).join(',')}|${weight}|${priority}`;
    const existing = classOfKey.get(key);
    if (existing) existing.count += 1;
    else classOfKey.set(key, { groups, weight, priority, count: 1 });
  }
  return { vehicleGroups, classes: [...classOfKey.values()] };
}

/** Shortest leg into each appointment's location from another visit's location or any start. */
export function nearestInboundSeconds(compiled: CompiledProblem): Float64Array {
  const L = compiled.locationCount;
  const A = compiled.appointmentCount;
  const sources = new Set<number>();
  for (let vehicle = 0; vehicle < compiled.vehicleCount; vehicle += 1)
    sources.add(compiled.vehicleStartLocation[vehicle] ?? 0);
  const visitsAt = new Map<number, number>();
  for (let a = 0; a < A; a += 1) {
    const location = compiled.appointmentLocation[a] ?? 0;
    visitsAt.set(location, (visitsAt.get(location) ?? 0) + 1);
  }
  const candidates = [...new Set([...sources, ...visitsAt.keys()])];
  const inbound = new Float64Array(A);
  for (let a = 0; a < A; a += 1) {
    const here = compiled.appointmentLocation[a] ?? 0;
    // Another visit at the same place can precede this one at no travel.
    if ((visitsAt.get(here) ?? 0) > 1) continue;
    let nearest = Infinity;
    for (const from of candidates) {
      if (from === here && !sources.has(here)) continue;
      nearest = Math.min(nearest, compiled.travelSeconds[from * L + here] ?? 0);
    }
    inbound[a] = Number.isFinite(nearest) ? nearest : 0;
  }
  return inbound;
}

/** Fractional knapsack: least inbound travel to collect `servedFloor` priority (by travel per priority). */
function cheapestTravelFor(
  compiled: CompiledProblem,
  inbound: Float64Array,
  servedFloor: number,
): number {
  const order = Array.from({ length: compiled.appointmentCount }, (_, a) => a).sort(
    (a, b) =>
      (inbound[a] ?? 0) / (compiled.appointmentPriority[a] ?? 1) -
      (inbound[b] ?? 0) / (compiled.appointmentPriority[b] ?? 1),
  );
  let needed = servedFloor;
  let travel = 0;
  for (const a of order) {
    if (needed <= 0) break;
    const priority = compiled.appointmentPriority[a] ?? 1;
    const share = Math.min(1, needed / priority);
    travel += share * (inbound[a] ?? 0);
    needed -= share * priority;
  }
  return travel;
}
