import { fitsBefore, fitsCapacity } from '../../model/tolerance';

import {
  clinicBlocksConsistent,
  concatenate,
  locationAt,
  routeCost,
  TimeSegment,
} from './time-segment';

import type { RoutePlan } from '../route-plan';

/**
 * 2-opt* between two different routes: vehicle `v1` keeps positions 1..`cut1` and continues with `v2`'s visits after
 * `cut2`; `v2` keeps 1..`cut2` and continues with `v1`'s visits after `cut1`. Each vehicle still ends at its own end
 * location.
 */
export interface TailExchange {
  v1: number;
  cut1: number;
  v2: number;
  cut2: number;
}

/**
 * Evaluates and applies 2-opt* moves. Between interchangeable vehicles (same class: end location, shift, limits,
 * eligibility and penalties) the cached suffix data applies as is and a move costs O(1); otherwise the tails are
 * re-timed towards the other vehicle's end in O(tail length).
 */
export class TailExchangeMoves {
  private readonly joined = new TimeSegment();
  private readonly tail = new TimeSegment();
  private readonly node = new TimeSegment();

  constructor(private readonly plan: RoutePlan) {}

  /** Cost change, or Infinity when infeasible or provably not below `bound`. */
  evaluate(move: TailExchange, bound: number): number {
    const plan = this.plan;
    const ctx = plan.ctx;
    const c = ctx.compiled;
    const { v1, cut1, v2, cut2 } = move;
    const r1 = plan.routes[v1];
    const r2 = plan.routes[v2];
    const n1 = r1.tasks.length;
    const n2 = r2.tasks.length;
    if (cut1 < 0 || cut1 > n1 || cut2 < 0 || cut2 > n2) return Infinity;
    if ((cut1 === n1 && cut2 === n2) || (cut1 === 0 && cut2 === 0)) return Infinity;
    const visits1 = cut1 + n2 - cut2;
    const visits2 = cut2 + n1 - cut1;
    if (visits1 > c.vehicleMaxVisits[v1] || visits2 > c.vehicleMaxVisits[v2]) return Infinity;
    if (
      !fitsCapacity(r1.fwdLoad[cut1] + r2.load - r2.fwdLoad[cut2], c.vehicleCapacity[v1]) ||
      !fitsCapacity(r2.fwdLoad[cut2] + r1.load - r1.fwdLoad[cut1], c.vehicleCapacity[v2])
    )
      return Infinity;
    const arcSum1 = this.joinedArcSum(v1, cut1, v2, cut2);
    const arcSum2 = this.joinedArcSum(v2, cut2, v1, cut1);
    const oldCost = r1.cost + r2.cost;
    const interchangeable = ctx.vehicleClass[v1] === ctx.vehicleClass[v2];
    // Same class: penalties follow the visits unchanged; otherwise the moved tails' penalties are still unknown (≥ 0).
    let penalty1 = r1.fwdPenalty[cut1] + (interchangeable ? r2.penalty - r2.fwdPenalty[cut2] : 0);
    let penalty2 = r2.fwdPenalty[cut2] + (interchangeable ? r1.penalty - r1.fwdPenalty[cut1] : 0);
    if (
      routeCost(ctx, v1, visits1, arcSum1, 0, penalty1) +
        routeCost(ctx, v2, visits2, arcSum2, 0, penalty2) -
        oldCost >=
      bound
    )
      return Infinity;
    if (!interchangeable) {
      const added1 = this.tailPenalty(v1, v2, cut2);
      const added2 = this.tailPenalty(v2, v1, cut1);
      if (added1 < 0 || added2 < 0) return Infinity;
      penalty1 += added1;
      penalty2 += added2;
    }
    const duration1 = this.joinedDuration(v1, cut1, v2, cut2, interchangeable);
    if (duration1 < 0) return Infinity;
    const duration2 = this.joinedDuration(v2, cut2, v1, cut1, interchangeable);
    if (duration2 < 0) return Infinity;
    const delta =
      routeCost(ctx, v1, visits1, arcSum1, duration1, penalty1) +
      routeCost(ctx, v2, visits2, arcSum2, duration2, penalty2) -
      oldCost;
    if (delta >= bound) return Infinity;
    if (c.hasClinicBlocks) {
      const [tasks1, tasks2] = this.resultingTasks(move);
      if (!clinicBlocksConsistent(ctx, tasks1) || !clinicBlocksConsistent(ctx, tasks2))
        return Infinity;
    }
    return delta;
  }

  apply(move: TailExchange): void {
    const [tasks1, tasks2] = this.resultingTasks(move);
    this.plan.setRouteTasks(move.v1, tasks1);
    this.plan.setRouteTasks(move.v2, tasks2);
  }

  private resultingTasks(move: TailExchange): [number[], number[]] {
    const t1 = this.plan.routes[move.v1].tasks;
    const t2 = this.plan.routes[move.v2].tasks;
    return [
      [...t1.slice(0, move.cut1), ...t2.slice(move.cut2)],
      [...t2.slice(0, move.cut2), ...t1.slice(move.cut1)],
    ];
  }

  /** Arc cost of vehicle `v`'s first `cut` visits followed by `other`'s visits after `otherCut`, to v's end. */
  private joinedArcSum(v: number, cut: number, other: number, otherCut: number): number {
    const ctx = this.plan.ctx;
    const c = ctx.compiled;
    const arc = c.arcCost;
    const L = ctx.L;
    const route = this.plan.routes[v];
    const otherRoute = this.plan.routes[other];
    const n = otherRoute.tasks.length;
    const from = locationAt(ctx, v, route, cut);
    const end = c.vehicleEndLocation[v];
    if (otherCut === n) return route.fwdArc[cut] + arc[from * L + end];
    const head = ctx.taskLocation[otherRoute.tasks[otherCut]];
    const last = ctx.taskLocation[otherRoute.tasks[n - 1]];
    return (
      route.fwdArc[cut] +
      arc[from * L + head] +
      (otherRoute.fwdArc[n] - otherRoute.fwdArc[otherCut + 1]) +
      arc[last * L + end]
    );
  }

  /** Penalty of vehicle v serving `other`'s visits after `otherCut`; -1 when v may not serve one of them. */
  private tailPenalty(v: number, other: number, otherCut: number): number {
    const c = this.plan.ctx.compiled;
    const A = this.plan.ctx.A;
    const tasks = this.plan.routes[other].tasks;
    let penalty = 0;
    for (let p = otherCut; p < tasks.length; p++) {
      const a = c.taskAppointment[tasks[p]];
      if (c.eligible[v * A + a] !== 1) return -1;
      penalty += c.assignmentPenalty[v * A + a];
    }
    return penalty;
  }

  /** Minimum duration of the joined route of vehicle v, or -1 when it breaks a window, the shift or the cap. */
  private joinedDuration(
    v: number,
    cut: number,
    other: number,
    otherCut: number,
    interchangeable: boolean,
  ): number {
    const ctx = this.plan.ctx;
    const c = ctx.compiled;
    const seconds = c.travelSeconds;
    const L = ctx.L;
    const route = this.plan.routes[v];
    const otherRoute = this.plan.routes[other];
    const n = otherRoute.tasks.length;
    const from = locationAt(ctx, v, route, cut);
    const tail = this.tail;
    let head: number;
    if (interchangeable) {
      tail.setSuffix(otherRoute, otherCut + 1);
      head = locationAt(ctx, other, otherRoute, otherCut + 1);
    } else {
      // Re-time the other route's tail backwards from this vehicle's end.
      head = c.vehicleEndLocation[v];
      tail.set(0, ctx.shiftStart[v], ctx.shiftEnd[v]);
      for (let p = n; p > otherCut; p--) {
        const task = otherRoute.tasks[p - 1];
        const loc = ctx.taskLocation[task];
        if (!concatenate(tail, this.node.setTask(ctx, task), seconds[loc * L + head], tail))
          return -1;
        head = loc;
      }
    }
    const joined = this.joined.setPrefix(route, cut);
    if (!concatenate(joined, joined, seconds[from * L + head], tail)) return -1;
    const visits = cut + n - otherCut;
    const duration = visits === 0 ? 0 : joined.duration;
    return fitsBefore(duration, c.vehicleMaxWorking[v]) ? duration : -1;
  }
}
