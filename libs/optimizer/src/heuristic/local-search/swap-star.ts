import { fitsBefore, fitsCapacity } from '../../model/tolerance';

import {
  clinicBlocksConsistent,
  concatenate,
  locationAt,
  routeCost,
  TimeSegment,
} from './time-segment';

import type { Route } from '../route';
import type { RoutePlan } from '../route-plan';

/** Insertion slot that puts the incoming visit where the outgoing one was. */
export const IN_PLACE = -1;

/**
 * SWAP* (Vidal 2022): visit `first` of vehicle `v1` and visit `second` of vehicle `v2` (1-based positions) trade
 * routes, each going to a slot of its new route rather than to the other's place. A slot s ≥ 0 means "between the
 * route's positions s and s + 1 before the move"; `IN_PLACE` means the place the outgoing visit leaves.
 */
export interface SwapStar {
  v1: number;
  first: number;
  /** Where `second`'s visit goes in v1. */
  slot1: number;
  v2: number;
  second: number;
  /** Where `first`'s visit goes in v2. */
  slot2: number;
}

/** Best insertions kept per visit; Vidal's argument: one of the three best survives the removal of one visit. */
const TOP = 3;

/**
 * Finds and applies SWAP* moves between two routes. Per visit, the three cheapest feasible slots in the other route
 * are found with the O(1) insertion check (O(n1·n2) per pair); a pair of visits is then estimated in O(1) from
 * those slots, the removal savings and the "in place" option. Only estimates below the bound are checked exactly
 * (time windows by segment concatenation over the part of the route that shifts, capacity, eligibility, working
 * time, clinic blocks), so the estimate never decides feasibility.
 */
export class SwapStarMoves {
  /** Top-TOP insertion deltas and slots: `[visit position · TOP + k]`, per direction (into v2 / into v1). */
  private readonly intoSecondCost: Float64Array;
  private readonly intoSecondSlot: Int32Array;
  private readonly intoFirstCost: Float64Array;
  private readonly intoFirstSlot: Int32Array;
  private readonly removal1: Float64Array;
  private readonly removal2: Float64Array;
  private readonly middle: number[] = [];
  private readonly segment = new TimeSegment();
  private readonly node = new TimeSegment();
  private readonly suffix = new TimeSegment();
  private readonly candidate: SwapStar = { v1: 0, first: 0, slot1: 0, v2: 0, second: 0, slot2: 0 };
  /** Up to (TOP + 1)² slot combinations of one visit pair, tried in order of estimate. */
  private readonly comboEstimate = new Float64Array((TOP + 1) * (TOP + 1));
  private readonly comboSlot1 = new Int32Array((TOP + 1) * (TOP + 1));
  private readonly comboSlot2 = new Int32Array((TOP + 1) * (TOP + 1));

  constructor(private readonly plan: RoutePlan) {
    const size = (plan.ctx.A + 2) * TOP;
    this.intoSecondCost = new Float64Array(size);
    this.intoSecondSlot = new Int32Array(size);
    this.intoFirstCost = new Float64Array(size);
    this.intoFirstSlot = new Int32Array(size);
    this.removal1 = new Float64Array(plan.ctx.A + 2);
    this.removal2 = new Float64Array(plan.ctx.A + 2);
  }

  /**
   * The best SWAP* move between v1 and v2 whose exact cost change is below `bound`, written to `out`; returns its
   * cost change, or Infinity when there is none.
   */
  findBest(v1: number, v2: number, bound: number, out: SwapStar): number {
    const plan = this.plan;
    const r1 = plan.routes[v1];
    const r2 = plan.routes[v2];
    const n1 = r1.tasks.length;
    const n2 = r2.tasks.length;
    if (v1 === v2 || n1 === 0 || n2 === 0) return Infinity;
    this.topInsertions(v2, r1, this.intoSecondCost, this.intoSecondSlot);
    this.topInsertions(v1, r2, this.intoFirstCost, this.intoFirstSlot);
    this.removalSavings(v1, this.removal1);
    this.removalSavings(v2, this.removal2);
    let best = bound;
    const move = this.candidate;
    move.v1 = v1;
    move.v2 = v2;
    for (let i = 1; i <= n1; i++) {
      if (this.intoSecondCost[i * TOP] === Infinity) continue;
      for (let j = 1; j <= n2; j++) {
        if (this.intoFirstCost[j * TOP] === Infinity) continue;
        const combos = this.slotCombos(r1, i, r2, j, best);
        for (let k = 0; k < combos; k++) {
          move.first = i;
          move.second = j;
          move.slot1 = this.comboSlot1[k];
          move.slot2 = this.comboSlot2[k];
          const delta = this.evaluate(move);
          if (delta < best) {
            best = delta;
            Object.assign(out, move);
            break;
          }
        }
      }
    }
    return best < bound ? best : Infinity;
  }

  /** Exact cost change of a SWAP* move, or Infinity when it breaks a hard constraint. */
  evaluate(move: SwapStar): number {
    const plan = this.plan;
    const r1 = plan.routes[move.v1];
    const r2 = plan.routes[move.v2];
    if (move.first < 1 || move.first > r1.tasks.length) return Infinity;
    if (move.second < 1 || move.second > r2.tasks.length) return Infinity;
    const incoming1 = r2.tasks[move.second - 1];
    const incoming2 = r1.tasks[move.first - 1];
    const cost1 = this.replacedCost(move.v1, move.first, incoming1, move.slot1);
    if (cost1 === Infinity) return Infinity;
    const cost2 = this.replacedCost(move.v2, move.second, incoming2, move.slot2);
    if (cost2 === Infinity) return Infinity;
    return cost1 + cost2 - r1.cost - r2.cost;
  }

  apply(move: SwapStar): void {
    const r1 = this.plan.routes[move.v1];
    const r2 = this.plan.routes[move.v2];
    const tasks1 = replacedTasks(r1.tasks, move.first, r2.tasks[move.second - 1], move.slot1);
    const tasks2 = replacedTasks(r2.tasks, move.second, r1.tasks[move.first - 1], move.slot2);
    this.plan.setRouteTasks(move.v1, tasks1);
    this.plan.setRouteTasks(move.v2, tasks2);
  }

  /**
   * For every visit of `from`, its TOP cheapest feasible slots in vehicle v's route (Infinity-padded). Capacity is
   * left to the exact check: after the swap the other visit's load leaves.
   */
  private topInsertions(v: number, from: Route, costs: Float64Array, slots: Int32Array): void {
    const plan = this.plan;
    const ctx = plan.ctx;
    const c = ctx.compiled;
    const route = plan.routes[v];
    const n = route.tasks.length;
    for (let i = 1; i <= from.tasks.length; i++) {
      const base = i * TOP;
      for (let k = 0; k < TOP; k++) {
        costs[base + k] = Infinity;
        slots[base + k] = 0;
      }
      const task = from.tasks[i - 1];
      if (c.eligible[v * ctx.A + c.taskAppointment[task]] !== 1) continue;
      const due = ctx.taskDue[task];
      for (let p = 0; p <= n; p++) {
        if (plan.startsTooLate(route, p, due)) break;
        const delta = plan.insertionDelta(v, task, p, costs[base + TOP - 1]);
        if (delta >= costs[base + TOP - 1]) continue;
        let k = TOP - 1;
        while (k > 0 && costs[base + k - 1] > delta) {
          costs[base + k] = costs[base + k - 1];
          slots[base + k] = slots[base + k - 1];
          k--;
        }
        costs[base + k] = delta;
        slots[base + k] = p;
      }
    }
  }

  /** Travel and penalty saved by taking each visit out of vehicle v's route (the estimate's removal part). */
  private removalSavings(v: number, out: Float64Array): void {
    const ctx = this.plan.ctx;
    const c = ctx.compiled;
    const arc = c.arcCost;
    const L = ctx.L;
    const route = this.plan.routes[v];
    const weight = c.vehicleTravelWeight[v];
    for (let i = 1; i <= route.tasks.length; i++) {
      const before = locationAt(ctx, v, route, i - 1);
      const here = ctx.taskLocation[route.tasks[i - 1]];
      const after = locationAt(ctx, v, route, i + 1);
      out[i] =
        (arc[before * L + after] - arc[before * L + here] - arc[here * L + after]) * weight -
        c.assignmentPenalty[v * ctx.A + c.taskAppointment[route.tasks[i - 1]]];
    }
  }

  /**
   * Slot combinations for swapping position i of r1 with position j of r2 whose estimate is below `bound`, sorted
   * by estimate into the combo arrays; returns how many. A stored slot next to the outgoing visit is dropped: it
   * no longer exists once that visit leaves (the "in place" option stands for that gap).
   */
  private slotCombos(r1: Route, i: number, r2: Route, j: number, bound: number): number {
    const v1 = this.candidate.v1;
    const v2 = this.candidate.v2;
    const removal = this.removal1[i] + this.removal2[j];
    const inPlace1 = this.inPlaceDelta(v1, r1, i, r2.tasks[j - 1]);
    const inPlace2 = this.inPlaceDelta(v2, r2, j, r1.tasks[i - 1]);
    // Fast rejection by the best estimate (most pairs end here) before sorting all combinations.
    const best2 = Math.min(
      inPlace2,
      this.firstApart(this.intoSecondCost, this.intoSecondSlot, i, j),
    );
    const best1 = Math.min(inPlace1, this.firstApart(this.intoFirstCost, this.intoFirstSlot, j, i));
    if (removal + best1 + best2 >= bound) return 0;
    let count = 0;
    for (let a = 0; a <= TOP; a++) {
      const slot2 = a === TOP ? IN_PLACE : this.intoSecondSlot[i * TOP + a];
      const cost2 = a === TOP ? inPlace2 : this.intoSecondCost[i * TOP + a];
      if (cost2 === Infinity || (a < TOP && (slot2 === j - 1 || slot2 === j))) continue;
      for (let b = 0; b <= TOP; b++) {
        const slot1 = b === TOP ? IN_PLACE : this.intoFirstSlot[j * TOP + b];
        const cost1 = b === TOP ? inPlace1 : this.intoFirstCost[j * TOP + b];
        if (cost1 === Infinity || (b < TOP && (slot1 === i - 1 || slot1 === i))) continue;
        const estimate = removal + cost1 + cost2;
        if (estimate >= bound) continue;
        let k = count++;
        while (k > 0 && this.comboEstimate[k - 1] > estimate) {
          this.comboEstimate[k] = this.comboEstimate[k - 1];
          this.comboSlot1[k] = this.comboSlot1[k - 1];
          this.comboSlot2[k] = this.comboSlot2[k - 1];
          k--;
        }
        this.comboEstimate[k] = estimate;
        this.comboSlot1[k] = slot1;
        this.comboSlot2[k] = slot2;
      }
    }
    return count;
  }

  /** Cheapest stored slot of visit `i` that is not next to position `j` of the other route (the one leaving). */
  private firstApart(costs: Float64Array, slots: Int32Array, i: number, j: number): number {
    for (let k = 0; k < TOP; k++) {
      const slot = slots[i * TOP + k];
      if (slot !== j - 1 && slot !== j) return costs[i * TOP + k];
    }
    return Infinity;
  }

  /** Travel and penalty of putting `task` into the gap position i of vehicle v leaves (relative to that gap). */
  private inPlaceDelta(v: number, route: Route, i: number, task: number): number {
    const ctx = this.plan.ctx;
    const c = ctx.compiled;
    const arc = c.arcCost;
    const L = ctx.L;
    const a = c.taskAppointment[task];
    if (c.eligible[v * ctx.A + a] !== 1) return Infinity;
    const before = locationAt(ctx, v, route, i - 1);
    const after = locationAt(ctx, v, route, i + 1);
    const here = ctx.taskLocation[task];
    return (
      (arc[before * L + here] + arc[here * L + after] - arc[before * L + after]) *
        c.vehicleTravelWeight[v] +
      c.assignmentPenalty[v * ctx.A + a]
    );
  }

  /**
   * Cost of vehicle v's route after its position i leaves and `task` enters at `slot`, or Infinity when infeasible.
   * Only positions from..to change order; the rest comes from the cached prefix/suffix data.
   */
  private replacedCost(v: number, i: number, task: number, slot: number): number {
    const plan = this.plan;
    const ctx = plan.ctx;
    const c = ctx.compiled;
    const L = ctx.L;
    const A = ctx.A;
    const route = plan.routes[v];
    const tasks = route.tasks;
    const n = tasks.length;
    const a = c.taskAppointment[task];
    if (c.eligible[v * A + a] !== 1) return Infinity;
    const outgoing = c.taskAppointment[tasks[i - 1]];
    if (
      !fitsCapacity(
        route.load - c.appointmentLoad[outgoing] + c.appointmentLoad[a],
        c.vehicleCapacity[v],
      )
    )
      return Infinity;
    const middle = this.middle;
    middle.length = 0;
    let from: number;
    let to: number;
    if (slot === IN_PLACE) {
      from = i;
      to = i;
      middle.push(task);
    } else if (slot < i - 1) {
      from = slot + 1;
      to = i;
      middle.push(task);
      for (let p = slot + 1; p <= i - 1; p++) middle.push(tasks[p - 1]);
    } else if (slot > i) {
      from = i;
      to = slot;
      for (let p = i + 1; p <= slot; p++) middle.push(tasks[p - 1]);
      middle.push(task);
    } else return Infinity;
    if (to > n) return Infinity;

    const arc = c.arcCost;
    const seconds = c.travelSeconds;
    const segment = this.segment.setPrefix(route, from - 1);
    let previous = locationAt(ctx, v, route, from - 1);
    let arcSum = route.fwdArc[from - 1];
    let penalty = route.penalty - (route.fwdPenalty[to] - route.fwdPenalty[from - 1]);
    for (const t of middle) {
      const here = ctx.taskLocation[t];
      if (!concatenate(segment, segment, seconds[previous * L + here], this.node.setTask(ctx, t)))
        return Infinity;
      arcSum += arc[previous * L + here];
      penalty += c.assignmentPenalty[v * A + c.taskAppointment[t]];
      previous = here;
    }
    const next = locationAt(ctx, v, route, to + 1);
    if (
      !concatenate(
        segment,
        segment,
        seconds[previous * L + next],
        this.suffix.setSuffix(route, to + 1),
      )
    )
      return Infinity;
    arcSum += arc[previous * L + next] + route.fwdArc[n + 1] - route.fwdArc[to + 1];
    if (!fitsBefore(segment.duration, c.vehicleMaxWorking[v])) return Infinity;
    if (c.hasClinicBlocks && !clinicBlocksConsistent(ctx, replacedTasks(tasks, i, task, slot)))
      return Infinity;
    return routeCost(ctx, v, n, arcSum, segment.duration, penalty);
  }
}

/** `tasks` with position i taken out and `task` put at `slot` (see `SwapStar`). */
export function replacedTasks(
  tasks: readonly number[],
  i: number,
  task: number,
  slot: number,
): number[] {
  if (slot === IN_PLACE) return [...tasks.slice(0, i - 1), task, ...tasks.slice(i)];
  const rest = [...tasks.slice(0, i - 1), ...tasks.slice(i)];
  // Slot s counts positions before the move; once position i is gone, a later slot shifts down by one.
  const at = slot < i ? slot : slot - 1;
  return [...rest.slice(0, at), task, ...rest.slice(at)];
}
