import { highsRuntime } from './highs-backend';
import { pricePrunedShift, type PrunableShift, type PrunedGraphCache } from './pruned-ng-pricing';
import { MasterLp, type MasterColumn, type MasterDuals } from './route-master';
import { ShiftPricingThreads } from './shift-pricing-threads';

import type { CompiledProblem, Solution } from '../model';
import type { NgRoute } from './ng-route-pricing';

/**
 * Lower bound on the travel seconds of any home-visit plan serving at least
 * `servedFloor` priority, by Lagrangian relaxation over routes with column
 * generation (a route-pool master LP on HiGHS supplies the multipliers).
 *
 * Relaxing "each visit at most once" (λ_a ≥ 0) and "served priority ≥ F"
 * (μ ≥ 0) splits the day into one route per shift (vehicle v):
 *
 *   L(λ, μ) = Σ_v min(0, min_{routes r of v} [travel(r) + Σ_{a∈r} (λ_a − μ·p_a)]) − Σ_a λ_a + μ·F
 *
 * is ≤ the optimum for every λ, μ ≥ 0 — at every iteration, converged or not —
 * as long as each per-shift minimum is replaced by a value that is ≤ it. The
 * exact minimum is an ESPPRC with time windows (far too slow at 2,000 visits
 * and 100 shifts), so pricing uses two relaxations of a route and takes, per
 * shift, the larger (min_r max(f, g) ≥ max(min_r f, min_r g)):
 *
 *  - inbound: every visit a on the route is entered by some arc, at least
 *    `inbound_v(a)` = the shortest leg into a from the shift's start or from
 *    another visit v may serve that can precede a in time (earliest finish +
 *    leg ≤ latest start); the route also returns home (≥ the nearest visit's
 *    leg home). Time used: Σ (duration + inbound) + return ≤ capacity.
 *  - radius: a route through a travels at least ρ_v(a) = the shortest path
 *    start → a → end (triangle inequality; shortest paths are computed when
 *    travel is an explicit matrix). With ρ* the route's largest radius, time
 *    used ≥ ρ* + Σ durations. Visits far from a provider's home are only
 *    reachable at the price of the round trip: this is what the nearest-
 *    neighbour bound missed.
 *
 * Each relaxation is a fractional knapsack on the shift capacity
 * min(max working time, shift length) (the LP of the 0/1 knapsack ≤ its
 * optimum). The radius one is evaluated on a grid of radii g_0 < … < g_m: a
 * route whose largest radius lies in (g_{k−1}, g_k] costs ≥ g_{k−1} and may
 * only hold visits with ρ ≤ g_k, with capacity ≤ capacity − g_{k−1}. Each
 * bucket takes the best of several convex mixes of the two relaxations.
 *
 * A third pricing follows real arcs: ng-route labelling
 * (`pruned-ng-pricing.ts`) over the visits that can still lie on a route of
 * negative reduced cost — every bucket beyond the last negative one is proven
 * ≥ 0, so its visits are dropped — with a completion bound on each label.
 * It runs within a per-shift time cap; a shift that gives up keeps the cheap
 * relaxations.
 *
 * Multipliers: the fractional knapsack's dual first; column generation with
 * the cheap relaxations while it improves L (on large days the master's duals
 * fall far below the start). Then column generation with the labelling: a
 * fresh master of real routes (the plan's and the ng-routes found, at their
 * true travel) whose duals are held in a box around the best multipliers,
 * converging to the ng-route LP's value when every shift is labelled (small
 * days). If it stops with budget left (a shift it could not label), subgradient
 * steps with the labelling, restarting from the best point with a halved step
 * when L stalls.
 *
 * The masters are only a device for multipliers (L is always computed by
 * pricing), so they cannot make the bound invalid. Dropped (a relaxation, so
 * still valid): elementarity beyond the ng-memories and across the relaxed
 * legs, load capacity, visit caps and the working-time cap in the labelling.
 */

export interface HomeRouteBoundOptions {
  /** Wall-clock budget for the column generation (ms); the bound is valid whenever it stops. */
  readonly timeLimitMs?: number;
  readonly maxIterations?: number;
  /** A plan whose itineraries seed the master (real routes, real travel). */
  readonly warmStart?: Solution;
  /** Travel of a known plan serving the floor, for the subgradient step (default: the warm start's). */
  readonly upperBound?: number;
  /** Radius grid points per shift (default 48). */
  readonly radiusGrid?: number;
  /**
   * Threads pricing the shifts of the labelling's column generation (default 1): the caller's and threads − 1
   * helpers, each pricing its own share of the shifts at once.
   */
  readonly threads?: number;
}

export interface HomeRouteBound {
  /** Best Lagrangian value seen: no plan serving ≥ servedFloor travels fewer seconds. */
  readonly bound: number;
  /** L(λ, μ) of every iteration (each one is a valid bound on its own). */
  readonly history: readonly number[];
  readonly iterations: number;
  /**
   * The bound is its relaxation's optimum: column generation converged, with the cheap relaxations on a day
   * no shift labels, or with the labelling on every shift of a small day (the ng-route LP's value; the
   * subgradient phase of large days never proves convergence).
   */
  readonly converged: boolean;
  /** Precomputation (inbound legs, radii) in ms, included in timeMs. */
  readonly setupMs: number;
  readonly timeMs: number;
}

const DEFAULT_ITERATIONS = 400;
const DEFAULT_GRID = 48;
/** Nearest predecessors kept per visit for the inbound legs (a full scan when none of them qualifies). */
const NEAREST = 32;
/**
 * Shifts with more visits left after radius pruning are priced by the cheap relaxations only (the graph
 * holds n² legs). At 200, ~20 of home-2000's 100 shifts stayed cheap at the best multipliers and capped L
 * near 20 h; at 600 nearly all are labelled (dev runs: 22.9 h against 20.0 h in the same 30 s). Once the
 * column generation stalled, the 5 of home-1000's shifts with 800–940 kept visits were what held L down
 * (−3.8 h of it at cheap relaxations, against −0.8 h for all labelled shifts together); at 1,000 (30 s, two
 * threads): home-1000 30.2 → 33.7 h, home-2000 30.4 → 33.4 h; 2,000 gave home-2000 no more (33.2 h).
 */
const NG_MAX_ITEMS = 1000;
/** Labels per shift and pricing before the ng-route labelling gives up (then: cheap relaxations). */
const NG_LABEL_CAP = 60_000;
/**
 * Wall-clock cap of one shift's labelling (ms) once its completion bound is built: a few shifts at poor multipliers
 * took seconds. Counted from the start of the shift, the walk table of a 700–1,000-visit shift had used most of it
 * (home-2000, 30 s, two threads: 34.5 h against 36.7 h, home-1000 36.5 h against 37.0 h).
 */
const NG_SHIFT_MS = 500;
/** Give-ups after which a shift is no longer labelled with the full memory (each one costs a label budget). */
const NG_MAX_OVERFLOWS = 2;
/**
 * ng-memory of a shift's labelling once it gave up NG_MAX_OVERFLOWS times, and how often that may give up in turn
 * before only the first-visit bound is left (home-1000, 30 s, two threads: 32.3 h without this stage, 33.7 h
 * with memories of 2, 33.8 h of 0; home-2000 level at 33.2 h).
 */
const RELAXED_NG_SIZE = 2;
const RELAXED_MAX_OVERFLOWS = 2;
/** Cheap column-generation iterations without a better L before phase 2 (the labelling) takes over. */
const MASTER_STALL = 1;
/**
 * A day whose every shift has at most this many eligible visits is small: its shifts are labelled without a
 * clock, and its column generation with the labelling gets a wider dual box (phase 2 on small days was the
 * cheap master run to its convergence, then subgradient steps: home-100, 10 s, 13.9 h against 18.6–19.0 h).
 */
const SMALL_SHIFT_ITEMS = 160;
/** Label cap of a small shift's labelling (as before the caps for large days). */
const SMALL_SHIFT_LABEL_CAP = 60_000;
const REDUCED_COST_EPS = 1e-6;
const SMOOTHING = 0.5;
/** First Polyak scale of the subgradient phase. */
const SUBGRADIENT_SCALE = 1;
/**
 * Polyak target: at most this much above the best L so far (the plan's travel, 5–8× the bound on
 * large days, made every step overshoot).
 */
const TARGET_HEADROOM = 0.05;
/**
 * On large days the first steps aim higher: headroom = max(TARGET_HEADROOM, this × the step scale), so 20 %
 * above the best L at first, 10 % after the first halving, then 5 %. With 5 % from the start L rose ~5 % per
 * iteration and the budget ended after ~10 (dev runs, same plan and budget: home-2000 23.3–23.6 h against
 * 22.7–23.3 h, home-500 20.8–22.0 h against 18.2 h). Small days keep 5 % (home-100 was 2 % lower with it).
 */
const LARGE_DAY_HEADROOM = 0.2;
/** Subgradient iterations without a better L before the step halves and restarts from the best point. */
const RESTART_AFTER = 2;
/** Legs and radii are shaved by this relative amount so round-off can never overstate them. */
const SHAVE = 1e-9;

/** Per-shift data for pricing, in the shift's own item order. */
export interface ShiftPricingData extends PrunableShift {
  readonly compiled: CompiledProblem;
  readonly priority: Float64Array;
  /** min(max working, shift length). */
  readonly capacity: number;
  /** Ascending radius grid (≥ 1 point when items exist). */
  readonly grid: Float64Array;
  /** Visits the exact-arc labelling may keep after radius pruning (0: never labelled). */
  readonly ngMaxItems: number;
  /** The labelling's graph of the last kept visits. */
  readonly ngCache: PrunedGraphCache;
  /** Times the labelling gave up on this shift. */
  ngOverflows: number;
}

/** How far one shift's pricing may go beyond the cheap relaxations. */
export interface ShiftPricingLimits {
  /** Clock time (`performance.now()`) from which only the cheap relaxations are priced (default never). */
  readonly exactUntil?: number;
  /** Cheapest ng-routes a labelled shift returns (column generation); default 1. */
  readonly keepRoutes?: number;
}

export interface ShiftPrice {
  /** ≤ the least reduced cost of any non-empty route of the shift. */
  readonly value: number;
  /** Appointments of the relaxed minimizer (for the master), possibly empty. */
  readonly appointments: number[];
  /** The relaxed minimizer's travel under the relaxations (≤ any real route serving those visits). */
  readonly cost: number;
  /** Cheapest ng-routes with their real travel, when the exact-arc labelling priced the shift. */
  readonly routes?: readonly NgRoute[];
  /** The labelling ran with the smaller ng-memory (`RELAXED_NG_SIZE`): its routes may repeat more visits. */
  readonly relaxedMemory?: boolean;
  /**
   * Where no route was labelled but the walk table was built: its cheapest walks (visits may repeat), with their
   * real travel, as columns for the master.
   */
  readonly walks?: readonly NgRoute[];
}

export function buildShiftPricingData(
  compiled: CompiledProblem,
  gridPoints = DEFAULT_GRID,
  ngMaxItems = NG_MAX_ITEMS,
): ShiftPricingData[] {
  const A = compiled.appointmentCount;
  const L = compiled.locationCount;
  const V = compiled.vehicleCount;
  const seconds = compiled.travelSeconds;
  const metric = compiled.problem.travel?.kind !== 'matrix';
  const location = compiled.appointmentLocation;
  const readyMin = new Float64Array(A);
  const dueMax = new Float64Array(A);
  for (let a = 0; a < A; a += 1) {
    let ready = Infinity;
    let due = -Infinity;
    for (
      let task = compiled.appointmentFirstTask[a];
      task < compiled.appointmentFirstTask[a + 1];
      task += 1
    ) {
      ready = Math.min(ready, compiled.taskReady[task]);
      due = Math.max(due, compiled.taskDue[task]);
    }
    readyMin[a] = ready;
    dueMax[a] = due;
  }

  const nearest = nearestPredecessors(compiled, NEAREST);
  const shortest = new Map<number, Float64Array>();
  const pathsFrom = (source: number, reverse: boolean): Float64Array => {
    const key = reverse ? -source - 1 : source;
    let found = shortest.get(key);
    if (!found) {
      found = metric
        ? directLegs(seconds, L, source, reverse)
        : dijkstra(seconds, L, source, reverse);
      shortest.set(key, found);
    }
    return found;
  };

  const result: ShiftPricingData[] = [];
  for (let vehicle = 0; vehicle < V; vehicle += 1) {
    const shiftStart = compiled.vehicleShiftStart[vehicle];
    const shiftEnd = compiled.vehicleShiftEnd[vehicle];
    const capacity = Math.min(compiled.vehicleMaxWorking[vehicle], shiftEnd - shiftStart);
    const itemList: number[] = [];
    for (let a = 0; a < A; a += 1) if (compiled.eligible[vehicle * A + a] === 1) itemList.push(a);
    const items = Int32Array.from(itemList);
    const n = items.length;
    const mask = compiled.eligible.subarray(vehicle * A, (vehicle + 1) * A);
    // Earliest finish of b + leg b → a ≤ latest start of a, else b cannot precede a on this shift.
    const canPrecede = (b: number, a: number, leg: number): boolean =>
      Math.max(readyMin[b], shiftStart) + compiled.appointmentDuration[b] + leg <=
      Math.min(dueMax[a], shiftEnd - compiled.appointmentDuration[a]) + 1e-6;
    const between = new Float64Array(n).fill(Infinity);
    for (let j = 0; j < n; j += 1) {
      const a = items[j];
      let found = false;
      for (let k = nearest.start[a]; k < nearest.start[a + 1]; k += 1) {
        const b = nearest.from[k];
        if (mask[b] !== 1 || !canPrecede(b, a, nearest.leg[k])) continue;
        between[j] = nearest.leg[k];
        found = true;
        break;
      }
      if (found || nearest.start[a + 1] - nearest.start[a] < NEAREST) continue;
      // None of the nearest qualifies: scan every eligible visit.
      const to = location[a];
      for (let i = 0; i < n; i += 1) {
        const b = items[i];
        if (b === a) continue;
        const leg = seconds[location[b] * L + to];
        if (leg < between[j] && canPrecede(b, a, leg)) between[j] = leg;
      }
    }
    const start = compiled.vehicleStartLocation[vehicle];
    const end = compiled.vehicleEndLocation[vehicle];
    const fromStart = pathsFrom(start, false);
    const toEnd = pathsFrom(end, true);
    const inbound = new Float64Array(n);
    const radius = new Float64Array(n);
    const duration = new Float64Array(n);
    const priority = new Float64Array(n);
    const latestStart = new Float64Array(n);
    let minReturn = Infinity;
    for (let j = 0; j < n; j += 1) {
      const a = items[j];
      const here = location[a];
      inbound[j] = Math.min(between[j], seconds[start * L + here]) * (1 - SHAVE);
      radius[j] = (fromStart[here] + toEnd[here]) * (1 - SHAVE);
      duration[j] = compiled.appointmentDuration[a];
      priority[j] = compiled.appointmentPriority[a];
      latestStart[j] = Math.min(dueMax[a], shiftEnd - duration[j]);
      minReturn = Math.min(minReturn, seconds[here * L + end] * (1 - SHAVE));
    }
    result.push({
      compiled,
      vehicle,
      items,
      latestStart,
      shiftStart,
      shiftEnd,
      duration,
      priority,
      inbound,
      radius,
      minReturn: Number.isFinite(minReturn) ? minReturn : 0,
      capacity,
      grid: radiusGrid(radius, gridPoints),
      ngMaxItems,
      ngCache: { key: '', graph: undefined },
      ngOverflows: 0,
    });
  }
  return result;
}

/** Per appointment, its NEAREST closest other appointments by inbound leg, ascending (CSR lists). */
function nearestPredecessors(
  compiled: CompiledProblem,
  count: number,
): { start: Int32Array; from: Int32Array; leg: Float64Array } {
  const A = compiled.appointmentCount;
  const L = compiled.locationCount;
  const keep = Math.min(count, Math.max(0, A - 1));
  const start = new Int32Array(A + 1);
  const from = new Int32Array(A * keep);
  const leg = new Float64Array(A * keep);
  for (let a = 0; a < A; a += 1) {
    const to = compiled.appointmentLocation[a];
    const base = a * keep;
    let size = 0;
    for (let b = 0; b < A; b += 1) {
      if (b === a) continue;
      const value = compiled.travelSeconds[compiled.appointmentLocation[b] * L + to];
      if (size === keep && value >= leg[base + size - 1]) continue;
      let position = size === keep ? size - 1 : size;
      while (position > 0 && leg[base + position - 1] > value) {
        leg[base + position] = leg[base + position - 1];
        from[base + position] = from[base + position - 1];
        position -= 1;
      }
      leg[base + position] = value;
      from[base + position] = b;
      if (size < keep) size += 1;
    }
    start[a + 1] = base + size;
  }
  return { start, from, leg };
}

function directLegs(
  seconds: Float64Array,
  L: number,
  source: number,
  reverse: boolean,
): Float64Array {
  const legs = new Float64Array(L);
  for (let other = 0; other < L; other += 1)
    legs[other] = reverse ? seconds[other * L + source] : seconds[source * L + other];
  return legs;
}

/** Dense Dijkstra (O(L²)): shortest paths from (or, reversed, to) a location when travel need not be metric. */
function dijkstra(
  seconds: Float64Array,
  L: number,
  source: number,
  reverse: boolean,
): Float64Array {
  const distance = new Float64Array(L).fill(Infinity);
  const done = new Uint8Array(L);
  distance[source] = 0;
  for (let round = 0; round < L; round += 1) {
    let next = -1;
    for (let node = 0; node < L; node += 1)
      if (done[node] === 0 && (next < 0 || distance[node] < distance[next])) next = node;
    if (next < 0 || !Number.isFinite(distance[next])) break;
    done[next] = 1;
    for (let node = 0; node < L; node += 1) {
      const leg = reverse ? seconds[node * L + next] : seconds[next * L + node];
      if (distance[next] + leg < distance[node]) distance[node] = distance[next] + leg;
    }
  }
  return distance;
}

/** Up to `points` radii at quantiles (the exact sorted radii when there are few), ending at the largest. */
function radiusGrid(radius: Float64Array, points: number): Float64Array {
  const sorted = Float64Array.from(radius).sort();
  const unique: number[] = [];
  for (const value of sorted)
    if (unique.length === 0 || value > unique[unique.length - 1]) unique.push(value);
  if (unique.length <= points) return Float64Array.from(unique);
  const grid: number[] = [];
  for (let k = 0; k < points; k += 1)
    grid.push(unique[Math.floor((k * (unique.length - 1)) / (points - 1))]);
  return Float64Array.from(grid);
}

/** Reusable buffers for pricing. */
export class PricingScratch {
  order = new Int32Array(0);
  value = new Float64Array(0);
  weight = new Float64Array(0);

  ensure(size: number): void {
    if (this.order.length >= size) return;
    this.order = new Int32Array(size);
    this.value = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

/**
 * A lower bound on min over non-empty routes of the shift of travel + Σ π_a,
 * π indexed by appointment (π_a = λ_a − μ·p_a): the larger of the inbound and
 * the radius relaxations.
 */
export function priceShift(
  data: ShiftPricingData,
  pi: Float64Array,
  scratch: PricingScratch = new PricingScratch(),
  limits: ShiftPricingLimits = {},
): ShiftPrice {
  const { exactUntil = Infinity, keepRoutes = 1 } = limits;
  const n = data.items.length;
  if (n === 0) return { value: Infinity, appointments: [], cost: 0 };
  scratch.ensure(n);
  const inbound = priceInbound(data, pi, scratch);
  const radial = priceRadius(data, pi, scratch);
  const best = radial.value > inbound.value ? radial : inbound;
  let value = best.value;
  if (performance.now() < exactUntil && data.ngMaxItems > 0) {
    // A shift whose labelling gave up too often is labelled with a smaller ng-memory (a weaker relaxation with far
    // fewer labels); if that gives up too, it still gets the bound at its first visit.
    const stage =
      data.ngOverflows < NG_MAX_OVERFLOWS
        ? 'full'
        : data.ngOverflows < NG_MAX_OVERFLOWS + RELAXED_MAX_OVERFLOWS
          ? 'relaxed'
          : 'first visit';
    const exact = pricePrunedShift(
      data.compiled,
      data,
      pi,
      radial.keptRadius,
      {
        maxItems: data.ngMaxItems,
        // A small shift's labelling is cheap enough to run to the larger cap, without a clock.
        labelCap:
          stage === 'first visit'
            ? 0
            : n <= SMALL_SHIFT_ITEMS
              ? SMALL_SHIFT_LABEL_CAP
              : NG_LABEL_CAP,
        labelMs: n <= SMALL_SHIFT_ITEMS ? Infinity : NG_SHIFT_MS,
        keepRoutes,
        // A large shift's walk table may outlast its labelling clock, not the caller's.
        tableUntil: exactUntil,
        ...(stage === 'relaxed' ? { ngSize: RELAXED_NG_SIZE } : {}),
      },
      data.ngCache,
    );
    if (exact !== 'too many visits') {
      if (!('gaveUp' in exact)) {
        // Both are lower bounds: the larger (the labelling's, up to round-off) with its real routes.
        const cheapest = exact.routes.length > 0 ? exact.routes[0] : undefined;
        return {
          value: Math.max(exact.value, best.value),
          appointments: cheapest?.appointments ?? [],
          cost: cheapest?.travel ?? 0,
          routes: exact.routes,
          ...(stage === 'relaxed' ? { relaxedMemory: true } : {}),
        };
      }
      if (exact.gaveUp) data.ngOverflows += 1;
      const walk = exact.walks.length > 0 ? exact.walks[0] : undefined;
      if (walk !== undefined) {
        // Where the first-visit bound beats the cheap relaxations, the walk table's least walk stands for the
        // minimizer (the subgradient phase counts its visits).
        const priced =
          exact.value > value
            ? { value: exact.value, appointments: walk.appointments, cost: walk.travel }
            : relaxedPrice(data, best.positions, value);
        return { ...priced, walks: exact.walks };
      }
      value = Math.max(value, exact.value);
    }
  }
  return relaxedPrice(data, best.positions, value);
}

/** A price set by the cheap relaxations: their minimizer's visits, and the larger of both relaxations for them. */
function relaxedPrice(
  data: ShiftPricingData,
  positions: readonly number[],
  value: number,
): ShiftPrice {
  // The column's cost: the larger of both relaxations for the chosen visits.
  let inboundCost = data.minReturn;
  let maxRadius = 0;
  for (const j of positions) {
    inboundCost += data.inbound[j];
    maxRadius = Math.max(maxRadius, data.radius[j]);
  }
  return {
    value,
    appointments: positions.map((j) => data.items[j]),
    cost: Math.max(inboundCost, maxRadius),
  };
}

interface Relaxed {
  readonly value: number;
  readonly positions: number[];
}

function priceInbound(data: ShiftPricingData, pi: Float64Array, scratch: PricingScratch): Relaxed {
  const { order, value, weight } = scratch;
  let count = 0;
  for (let j = 0; j < data.items.length; j += 1) {
    const v = data.inbound[j] + pi[data.items[j]];
    if (v >= 0) continue;
    value[j] = v;
    weight[j] = data.duration[j] + data.inbound[j];
    order[count] = j;
    count += 1;
  }
  const sorted = sortByRatio(order.subarray(0, count), value, weight);
  const { total, positions } = fractionalKnapsack(
    sorted,
    value,
    weight,
    data.capacity - data.minReturn,
    null,
    Infinity,
  );
  return { value: total + data.minReturn, positions };
}

/**
 * Mixes of the two relaxations priced per radius bucket: travel ≥ α·inbound-form + (1 − α)·radius-form.
 * α = 0 is the pure radius bound, α = 1 the inbound bound restricted to the bucket's visits.
 */
const MIXES = [0, 0.25, 0.5, 0.75, 1] as const;

interface RadiusPrice extends Relaxed {
  /**
   * Every route holding a visit with radius above this prices at ≥ 0 (−Infinity: every route
   * does), so a pricing that only needs min(0, ·) may drop those visits.
   */
  readonly keptRadius: number;
}

/**
 * travel(r) ≥ α·(Σ inbound + return) + (1 − α)·ρ* and time(r) ≥ the same mix
 * of Σ (duration + inbound) + return and ρ* + Σ durations, for any α ∈ [0, 1]:
 * a convex combination of two valid bounds. A route whose largest radius lies
 * in bucket k is bounded by each mix's bucket-k value, hence by their maximum;
 * the shift's value is the least bucket's.
 */
function priceRadius(
  data: ShiftPricingData,
  pi: Float64Array,
  scratch: PricingScratch,
): RadiusPrice {
  const { order, value, weight } = scratch;
  const grid = data.grid;
  const bucketValue = new Float64Array(grid.length).fill(-Infinity);
  const bucketPositions: number[][] = Array.from({ length: grid.length }, () => []);
  for (const alpha of MIXES) {
    let count = 0;
    for (let j = 0; j < data.items.length; j += 1) {
      const v = alpha * data.inbound[j] + pi[data.items[j]];
      if (v >= 0) continue;
      value[j] = v;
      weight[j] = data.duration[j] + alpha * data.inbound[j];
      order[count] = j;
      count += 1;
    }
    const sorted = sortByRatio(order.subarray(0, count), value, weight);
    for (let k = 0; k < grid.length; k += 1) {
      // Largest radius in (grid[k−1], grid[k]] (k = 0: exactly the smallest radius, grid[0]).
      const floor = (1 - alpha) * (k === 0 ? grid[0] : grid[k - 1]) + alpha * data.minReturn;
      const capacity = data.capacity - floor;
      if (capacity < 0) {
        // No route of this bucket fits the shift (under this mix, hence at all).
        bucketValue[k] = Infinity;
        continue;
      }
      if (bucketValue[k] === Infinity) continue;
      const { total, positions } = fractionalKnapsack(
        sorted,
        value,
        weight,
        capacity,
        data.radius,
        grid[k],
      );
      if (floor + total > bucketValue[k]) {
        bucketValue[k] = floor + total;
        bucketPositions[k] = positions;
      }
    }
  }
  let best: Relaxed = { value: Infinity, positions: [] };
  let keptRadius = -Infinity;
  for (let k = 0; k < grid.length; k += 1) {
    if (bucketValue[k] < best.value)
      best = { value: bucketValue[k], positions: bucketPositions[k] };
    if (bucketValue[k] < 0) keptRadius = grid[k];
  }
  return { ...best, keptRadius };
}

function sortByRatio(order: Int32Array, value: Float64Array, weight: Float64Array): Int32Array {
  const ratio = new Float64Array(value.length);
  for (const j of order) ratio[j] = weight[j] > 0 ? value[j] / weight[j] : -Infinity;
  return Int32Array.from(order).sort((x, y) => ratio[x] - ratio[y]);
}

/** min Σ value·x, Σ weight·x ≤ capacity, 0 ≤ x ≤ 1, over items (sorted by value/weight) with radius ≤ limit. */
function fractionalKnapsack(
  sorted: Int32Array,
  value: Float64Array,
  weight: Float64Array,
  capacity: number,
  radius: Float64Array | null,
  limit: number,
): { total: number; positions: number[] } {
  let left = capacity;
  let total = 0;
  const positions: number[] = [];
  for (const j of sorted) {
    if (left <= 0) break;
    if (radius !== null && radius[j] > limit) continue;
    if (weight[j] <= left) {
      total += value[j];
      left -= weight[j];
      positions.push(j);
    } else {
      total += (value[j] * left) / weight[j];
      left = 0;
    }
  }
  return { total, positions };
}

export interface LagrangianPricing {
  readonly scratch?: PricingScratch;
  /** Price with the exact-arc labelling where it applies (default true). */
  readonly exactArcs?: boolean;
  /** Past this clock time the remaining shifts take the cheap relaxations. */
  readonly exactUntil?: number;
  /** Cheapest ng-routes each labelled shift returns (column generation). */
  readonly keepRoutes?: number;
}

/** L(λ, μ) and each shift's relaxed minimizer. */
export function lagrangianTravelBound(
  shifts: readonly ShiftPricingData[],
  lambda: Float64Array,
  mu: number,
  servedFloor: number,
  compiled: CompiledProblem,
  pricing: LagrangianPricing = {},
): { value: number; prices: ShiftPrice[] } {
  const { scratch = new PricingScratch() } = pricing;
  const { pi, constant } = nodePrices(lambda, mu, servedFloor, compiled);
  // Past `exactUntil` the remaining shifts take the cheap relaxations (still valid, far faster).
  const limits = shiftPricingLimits(pricing);
  const prices = shifts.map((shift) => priceShift(shift, pi, scratch, limits));
  return { value: lagrangianValue(constant, prices), prices };
}

/** What `priceShift` may do for one pricing round of the Lagrangian. */
function shiftPricingLimits(pricing: LagrangianPricing): ShiftPricingLimits {
  const { exactArcs = true, exactUntil = Infinity } = pricing;
  return { exactUntil: exactArcs ? exactUntil : -Infinity, keepRoutes: pricing.keepRoutes };
}

/** `lagrangianTravelBound` with the shifts priced by `threads` at once (each shift by its own thread). */
async function lagrangianTravelBoundOn(
  threads: ShiftPricingThreads,
  shifts: readonly ShiftPricingData[],
  lambda: Float64Array,
  mu: number,
  servedFloor: number,
  compiled: CompiledProblem,
  pricing: LagrangianPricing,
): Promise<{ value: number; prices: ShiftPrice[] }> {
  const { scratch = new PricingScratch(), exactArcs = true, exactUntil = Infinity } = pricing;
  const { pi, constant } = nodePrices(lambda, mu, servedFloor, compiled);
  const limits = shiftPricingLimits(pricing);
  const prices = await threads.price(
    {
      pi,
      exactArcs,
      exactUntilEpochMs: performance.timeOrigin + exactUntil,
      keepRoutes: pricing.keepRoutes,
    },
    shifts,
    (data) => priceShift(data, pi, scratch, limits),
  );
  return { value: lagrangianValue(constant, prices), prices };
}

/** π_a = λ_a − μ·p_a, and the part of L that does not depend on the routes: μF − Σλ. */
function nodePrices(
  lambda: Float64Array,
  mu: number,
  servedFloor: number,
  compiled: CompiledProblem,
): { pi: Float64Array; constant: number } {
  const A = compiled.appointmentCount;
  const pi = new Float64Array(A);
  let constant = mu * servedFloor;
  for (let a = 0; a < A; a += 1) {
    pi[a] = lambda[a] - mu * compiled.appointmentPriority[a];
    constant -= lambda[a];
  }
  return { pi, constant };
}

function lagrangianValue(constant: number, prices: readonly ShiftPrice[]): number {
  let value = constant;
  for (const price of prices) value += Math.min(0, price.value);
  return value;
}

export async function homeVisitRouteBound(
  compiled: CompiledProblem,
  servedFloor: number,
  options: HomeRouteBoundOptions = {},
): Promise<HomeRouteBound> {
  const started = performance.now();
  const deadline = started + (options.timeLimitMs ?? Infinity);
  const maxIterations = options.maxIterations ?? DEFAULT_ITERATIONS;
  const gridPoints = options.radiusGrid ?? DEFAULT_GRID;
  const helperCount = Math.max(0, Math.floor(options.threads ?? 1) - 1);
  // The helpers build their copy of the pricing data while this thread builds its own.
  const starting =
    helperCount > 0
      ? ShiftPricingThreads.start(compiled, gridPoints, NG_MAX_ITEMS, helperCount)
      : undefined;
  let shifts: ShiftPricingData[];
  try {
    shifts = buildShiftPricingData(compiled, gridPoints);
  } catch (error) {
    void starting?.then(
      (threads) => threads.close(),
      () => undefined,
    );
    throw error;
  }
  const threads = await starting;
  try {
    const setupMs = performance.now() - started;
    const highs = await highsRuntime();
    let shortfallCost = 1;
    for (const shift of shifts)
      for (const r of shift.radius) shortfallCost = Math.max(shortfallCost, r);
    const warm = options.warmStart ? planColumns(compiled, options.warmStart) : [];
    const newMaster = (): MasterLp => {
      const fresh = new MasterLp(highs, {
        shiftCount: compiled.vehicleCount,
        appointmentCount: compiled.appointmentCount,
        level: 'cost',
        servedFloor,
        // More than any single route's travel per unit of priority: the slack is a last resort.
        shortfallCost: 4 * shortfallCost,
      });
      for (const column of warm) fresh.add(column);
      return fresh;
    };
    const master = newMaster();
    const scratch = new PricingScratch();
    const history: number[] = [];
    let converged = false;
    try {
      let { lambda, mu, convexity } = master.duals();
      // Wentges smoothing: price at a mix of the best multipliers so far and the master's (any λ, μ ≥ 0 is
      // valid). The first point is the fractional knapsack's optimal dual, where L is already at least
      // the nearest-inbound bound; the master's duals then move it on.
      const start = knapsackMultipliers(shifts, compiled, servedFloor);
      let bestLambda = start.lambda;
      let bestMu = start.mu;
      let bestValue = -Infinity;
      let smoothing = SMOOTHING;
      // Phase 1 prices with the cheap relaxations only (column generation); once it stalls, phase 2 adds
      // the exact-arc ng-route labelling from phase 1's best multipliers: column generation in a dual box,
      // then subgradient steps if it stops with budget left (a shift it could not label).
      const anyNg = shifts.some((shift) => shift.ngMaxItems > 0 && shift.items.length > 0);
      // Small days: every shift labelled without a clock.
      const smallDay = shifts.every((shift) => shift.items.length <= SMALL_SHIFT_ITEMS);
      let stalled = 0;
      // Price at the best multipliers (not a mix) — at the start and when phase 2 begins.
      let atBest = true;
      while (history.length < maxIterations) {
        const first = atBest;
        atBest = false;
        const at = first ? bestLambda : smoothing > 0 ? mix(bestLambda, lambda, smoothing) : lambda;
        const atMu = first
          ? bestMu
          : smoothing > 0
            ? smoothing * bestMu + (1 - smoothing) * mu
            : mu;
        const priced = lagrangianTravelBound(shifts, at, atMu, servedFloor, compiled, {
          scratch,
          exactArcs: false,
        });
        history.push(priced.value);
        if (priced.value > bestValue) {
          bestValue = priced.value;
          bestLambda = at;
          bestMu = atMu;
          stalled = 0;
        } else stalled += 1;
        let added = 0;
        const duals = { lambda, mu, convexity };
        priced.prices.forEach((price, vehicle) => {
          if (price.appointments.length === 0) return;
          if (addImprovingColumn(master, duals, compiled, vehicle, price.appointments, price.cost))
            added += 1;
        });
        // A mispricing under smoothing proves nothing: price at the master's duals before stopping.
        const masterDone = added === 0 && smoothing === 0;
        if (masterDone && !anyNg) {
          converged = true;
          break;
        }
        // On large days the master's duals wander far below the start (L falls by orders of
        // magnitude): move on to the labelling rather than spend the budget there.
        if (masterDone || (anyNg && stalled >= MASTER_STALL)) {
          let start: Multipliers = { lambda: bestLambda, mu: bestMu, value: bestValue };
          if (performance.now() < deadline) {
            const exact = await exactColumnGeneration(
              threads,
              shifts,
              compiled,
              servedFloor,
              start,
              newMaster,
              deadline,
              maxIterations,
              history,
              scratch,
              smallDay ? SMALL_DAY_BOX : LARGE_DAY_BOX,
            );
            threads?.copyGiveUps(shifts);
            converged = exact.converged;
            start = exact.best;
            if (converged) break;
          }
          if (performance.now() < deadline)
            subgradientPhase(
              shifts,
              compiled,
              servedFloor,
              start,
              options.upperBound ??
                options.warmStart?.objective.travelSeconds ??
                2 * Math.abs(bestValue) + 3600,
              deadline,
              maxIterations,
              history,
              scratch,
              smallDay ? TARGET_HEADROOM : LARGE_DAY_HEADROOM,
            );
          break;
        }
        if (added === 0) {
          smoothing = 0;
          continue;
        }
        smoothing = SMOOTHING;
        if (performance.now() >= deadline) break;
        ({ lambda, mu, convexity } = master.duals());
      }
    } finally {
      master.dispose();
    }
    return {
      bound: Math.max(0, ...history),
      history,
      iterations: history.length,
      converged,
      setupMs,
      timeMs: performance.now() - started,
    };
  } finally {
    await threads?.close();
  }
}

/** Cheapest negative ng-routes per shift and pricing added to the master (home-100, 10 s: 8 → 17.8 h, 24 → 18.6 h). */
const KEEP_ROUTES = 24;
/**
 * Stabilisation of the labelling's column generation: the dual box's half-width (relative to the centre's
 * multipliers, and at least `seconds` per visit) and the Wentges weight of the centre in the point priced.
 */
interface DualBox {
  readonly relative: number;
  readonly seconds: number;
  readonly smoothing: number;
}
/**
 * Home-100, 10 s (before the backward completion bound): relative 0.1 → 18.5 h, 0.2 → 18.6 h, 0.3 → 16.7 h,
 * 0.5 → 14.7 h, 1 → 12.0 h; with it, 0.2 / 120 s → 20.0 h, 0.1 / 60 s → 19.9 h, 0.05 / 30 s → 19.2 h. Growing the
 * box after serious steps and shrinking it after null ones gained nothing.
 */
const SMALL_DAY_BOX: DualBox = { relative: 0.2, seconds: 120, smoothing: 0 };
/**
 * On large days a wide box lets the master's duals reach points where the labelling runs for seconds and L
 * falls (home-2000, 30 s: 0.1 / 60 s → 30.2 h then −, 0.05 / 30 s → 30.3 h, 0.02 / 15 s → 30.3 h; home-500, 20 s:
 * 0.2 / 120 s → 25.2 h, 0.1 / 60 s → 28.2 h, 0.05 / 30 s → 28.7–28.8 h). Pricing halfway between the centre and
 * the master's duals made home-500's L climb steadily instead of falling after a few serious steps (60 s: 31.4 →
 * 33.0 h; 20 s: 28.8 → 30.0 h); home-2000 is level (30 s: 30.5 → 30.2 h) and still falls after its best given
 * 120 s; on home-100 it cost 20.0 → 19.7 h, so small days price at the duals. Since shifts the labelling gives up
 * on add the walk table's least walks to the master, a wider box pays (two threads; home-500 20 s and home-1000
 * 30 s: 0.05 / 30 s → 36.4 / 38.1 h, 0.1 / 60 s → 37.2 / 39.0 h, 0.2 / 120 s → 38.6 / 39.0 h; home-2000 30 s: 0.1 / 60 s
 * → 38.5 h, 0.2 / 120 s → 35.3 h; a wider box makes each pricing slower. Growing it 1.5× after each serious step, or
 * a wider box on μ alone, made the labelling slower and L lower).
 */
const LARGE_DAY_BOX: DualBox = { relative: 0.1, seconds: 60, smoothing: 0.5 };

interface Multipliers {
  readonly lambda: Float64Array;
  readonly mu: number;
  readonly value: number;
}

/**
 * Column generation with the exact-arc pricing, stabilised by a box on the duals (box-step). The master
 * holds the plan's routes and the ng-routes the labelling returns, each at its real travel, so its duals
 * head for the ng-route LP's; they are kept within a box around the best multipliers so far (unconstrained,
 * they swung so far that one labelling took seconds and L fell by orders of magnitude); on large days the
 * point priced is moreover a Wentges mix of the centre and the duals. The centre moves whenever the point
 * priced gives a better L. Every point priced is λ, μ ≥ 0, so every value appended to `history` is a
 * bound. Converged when, at the master's duals, no shift has a negative route, every shift was labelled and
 * no box penalty is in use: L then equals the ng-route LP's value over the master's columns and all others.
 */
async function exactColumnGeneration(
  threads: ShiftPricingThreads | undefined,
  shifts: readonly ShiftPricingData[],
  compiled: CompiledProblem,
  servedFloor: number,
  start: Multipliers,
  newMaster: () => MasterLp,
  deadline: number,
  maxIterations: number,
  history: number[],
  scratch: PricingScratch,
  box: DualBox,
): Promise<{ converged: boolean; best: Multipliers }> {
  const master = newMaster();
  let centre = start;
  // Doubled each time the penalised master is solved with a penalty in use.
  let widening = 1;
  const centreBox = (): void => {
    const width = Float64Array.from(
      centre.lambda,
      (value) => widening * Math.max(box.relative * value, box.seconds),
    );
    master.setDualBox(centre.lambda, width, centre.mu, widening * box.relative * centre.mu + 1e-3);
  };
  let converged = false;
  let smoothing = box.smoothing;
  try {
    centreBox();
    while (history.length < maxIterations && performance.now() < deadline) {
      const duals = master.duals();
      const at = smoothing > 0 ? mix(centre.lambda, duals.lambda, smoothing) : duals.lambda;
      const atMu = smoothing > 0 ? smoothing * centre.mu + (1 - smoothing) * duals.mu : duals.mu;
      const pricing = { scratch, exactUntil: deadline, keepRoutes: KEEP_ROUTES };
      const priced =
        threads === undefined
          ? lagrangianTravelBound(shifts, at, atMu, servedFloor, compiled, pricing)
          : await lagrangianTravelBoundOn(
              threads,
              shifts,
              at,
              atMu,
              servedFloor,
              compiled,
              pricing,
            );
      history.push(priced.value);
      if (priced.value > centre.value) {
        centre = { lambda: Float64Array.from(at), mu: atMu, value: priced.value };
        centreBox();
      }
      let added = 0;
      let everyShiftLabelled = true;
      priced.prices.forEach((price, vehicle) => {
        if (shifts[vehicle].items.length > 0 && (price.routes === undefined || price.relaxedMemory))
          everyShiftLabelled = false;
        for (const route of price.routes ?? price.walks ?? [])
          if (
            addImprovingColumn(master, duals, compiled, vehicle, route.appointments, route.travel)
          )
            added += 1;
      });
      if (added > 0) {
        smoothing = box.smoothing;
        continue;
      }
      // A mispricing at a smoothed point proves nothing: price at the master's duals before concluding.
      if (smoothing > 0) {
        smoothing = 0;
        continue;
      }
      if (master.boxActive()) {
        // The penalised master is solved: widen the box until its penalties fall idle.
        widening *= 2;
        centreBox();
        continue;
      }
      converged = everyShiftLabelled;
      break;
    }
  } finally {
    master.dispose();
  }
  return { converged, best: centre };
}

/**
 * Adds a column (a shift's appointments, a repeat counting twice, at `cost`) to the master when its reduced cost
 * at the master's duals is negative: only such a column can change the master.
 */
function addImprovingColumn(
  master: MasterLp,
  duals: MasterDuals,
  compiled: CompiledProblem,
  shift: number,
  appointments: readonly number[],
  cost: number,
): boolean {
  let reduced = cost - (duals.convexity[shift] ?? 0);
  let priority = 0;
  for (const a of appointments) {
    reduced += duals.lambda[a] - duals.mu * compiled.appointmentPriority[a];
    priority += compiled.appointmentPriority[a];
  }
  if (reduced >= -REDUCED_COST_EPS) return false;
  master.add({ shift, appointments, cost, priority });
  return true;
}

/**
 * Subgradient ascent on L with the exact-arc pricing (Polyak steps towards a
 * target `firstHeadroom` × scale, at least TARGET_HEADROOM, above the best L and
 * at most `upperBound`; the scale halves from the best point after RESTART_AFTER
 * iterations without progress). Every point priced is λ, μ ≥ 0, so every value
 * it appends to `history` is a bound.
 */
function subgradientPhase(
  shifts: readonly ShiftPricingData[],
  compiled: CompiledProblem,
  servedFloor: number,
  start: { lambda: Float64Array; mu: number; value: number },
  upperBound: number,
  deadline: number,
  maxIterations: number,
  history: number[],
  scratch: PricingScratch,
  firstHeadroom: number,
): void {
  const A = compiled.appointmentCount;
  let lambda: Float64Array = Float64Array.from(start.lambda);
  let mu = start.mu;
  let best = start.value;
  let scale = SUBGRADIENT_SCALE;
  let stale = 0;
  let atBest: { lambda: Float64Array; mu: number; prices: ShiftPrice[]; value: number } | undefined;
  while (history.length < maxIterations && performance.now() < deadline) {
    const priced = lagrangianTravelBound(shifts, lambda, mu, servedFloor, compiled, {
      scratch,
      exactUntil: deadline,
    });
    history.push(priced.value);
    let prices = priced.prices;
    let value = priced.value;
    if (atBest === undefined || priced.value > best + 1e-6) {
      best = Math.max(best, priced.value);
      atBest = { lambda, mu, prices, value };
      stale = 0;
    } else if ((stale += 1) >= RESTART_AFTER) {
      // Smaller steps, from the best point so far (its subgradient is known).
      scale /= 2;
      stale = 0;
      if (scale < 1e-3) break;
      ({ lambda, mu, prices, value } = atBest);
    }
    // Subgradient: routes covering a minus 1; the floor minus the priority the routes collect.
    const count = new Float64Array(A);
    let collected = 0;
    prices.forEach((price) => {
      if (!(price.value < 0)) return;
      for (const a of price.appointments) {
        count[a] += 1;
        collected += compiled.appointmentPriority[a];
      }
    });
    let norm = (servedFloor - collected) ** 2;
    for (let a = 0; a < A; a += 1) {
      const g = count[a] - 1;
      if (g < 0 && lambda[a] <= 0) continue;
      norm += g * g;
    }
    if (norm <= 1e-12) break;
    const headroom = Math.max(TARGET_HEADROOM, firstHeadroom * scale);
    const target = Math.min(upperBound, best + headroom * Math.abs(best) + 60);
    const step = (scale * Math.max(target - value, 1e-6 * Math.abs(upperBound))) / norm;
    const next = new Float64Array(A);
    for (let a = 0; a < A; a += 1) next[a] = Math.max(0, lambda[a] + step * (count[a] - 1));
    lambda = next;
    mu = Math.max(0, mu + step * (servedFloor - collected));
  }
}

/**
 * Multipliers of min Σ w_a·x_a s.t. Σ p_a·x_a ≥ F, 0 ≤ x ≤ 1 with w_a the least
 * inbound leg of a over all shifts: μ = the marginal item's w/p and
 * λ_a = max(0, μ·p_a − w_a). There every shift prices at ≥ 0, so L equals that
 * knapsack's value (LP duality).
 */
function knapsackMultipliers(
  shifts: readonly ShiftPricingData[],
  compiled: CompiledProblem,
  servedFloor: number,
): { lambda: Float64Array; mu: number } {
  const A = compiled.appointmentCount;
  const weight = new Float64Array(A).fill(Infinity);
  for (const shift of shifts)
    shift.items.forEach((a, j) => {
      weight[a] = Math.min(weight[a], shift.inbound[j]);
    });
  const order = Array.from({ length: A }, (_, a) => a)
    .filter((a) => Number.isFinite(weight[a]) && compiled.appointmentPriority[a] > 0)
    .sort(
      (x, y) =>
        weight[x] / compiled.appointmentPriority[x] - weight[y] / compiled.appointmentPriority[y],
    );
  let collected = 0;
  let mu = 0;
  for (const a of order) {
    if (collected >= servedFloor) break;
    collected += compiled.appointmentPriority[a];
    mu = weight[a] / compiled.appointmentPriority[a];
  }
  const lambda = new Float64Array(A);
  for (let a = 0; a < A; a += 1)
    if (Number.isFinite(weight[a]))
      lambda[a] = Math.max(0, mu * compiled.appointmentPriority[a] - weight[a]);
  return { lambda, mu };
}

function mix(best: Float64Array, current: Float64Array, weight: number): Float64Array {
  const mixed = new Float64Array(current.length);
  for (let index = 0; index < current.length; index += 1)
    mixed[index] = weight * best[index] + (1 - weight) * current[index];
  return mixed;
}

/** The plan's itineraries as master columns with their real travel seconds. */
function planColumns(compiled: CompiledProblem, plan: Solution): MasterColumn[] {
  const vehicleIndex = new Map<string, number>();
  for (let vehicle = 0; vehicle < compiled.vehicleCount; vehicle += 1) {
    const provider = compiled.providerIds[compiled.vehicleProvider[vehicle]];
    vehicleIndex.set(`${provider}#${compiled.vehicleShift[vehicle]}`, vehicle);
  }
  const columns: MasterColumn[] = [];
  for (const itinerary of plan.itineraries) {
    const vehicle = vehicleIndex.get(`${itinerary.providerId}#${itinerary.shiftIndex}`);
    if (vehicle === undefined || itinerary.stops.length === 0) continue;
    const appointments = itinerary.stops.flatMap((stop) => {
      const index = compiled.appointmentIndexById.get(stop.appointmentId);
      return index === undefined ? [] : [index];
    });
    const priority = appointments.reduce((sum, a) => sum + compiled.appointmentPriority[a], 0);
    columns.push({ shift: vehicle, appointments, cost: itinerary.totals.travelSeconds, priority });
  }
  return columns;
}
