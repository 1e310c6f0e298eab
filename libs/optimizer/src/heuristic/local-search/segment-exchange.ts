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
 * A segment exchange between two different routes: positions `first .. first + length - 1` of vehicle `v1` trade
 * places with positions `secondFirst .. secondFirst + secondLength - 1` of vehicle `v2` (1-based, order kept).
 * With `secondLength` 0 it is a relocation (1 visit) or an or-opt move (2–3 visits) into `v2` before position
 * `secondFirst`; with both lengths 1 a swap; otherwise a cross-exchange.
 */
export interface SegmentExchange {
  v1: number;
  first: number;
  length: number;
  v2: number;
  secondFirst: number;
  secondLength: number;
}

/** Evaluates and applies segment exchanges with O(segment length) work, using the routes' prefix/suffix data. */
export class SegmentExchangeMoves {
  private readonly moved = new TimeSegment();
  private readonly replaced = new TimeSegment();
  private readonly scratch = new TimeSegment();
  private readonly node = new TimeSegment();
  private readonly suffix = new TimeSegment();

  constructor(private readonly plan: RoutePlan) {}

  /**
   * Cost change of the exchange, or Infinity when it breaks any hard constraint the checker knows: eligibility
   * (credentials, pins, required/excluded providers), capacity, max visits, time windows, shift, working-time cap,
   * clinic blocks. `bound` prunes: returns Infinity as soon as the change cannot be below it.
   */
  evaluate(move: SegmentExchange, bound: number): number {
    const plan = this.plan;
    const ctx = plan.ctx;
    const c = ctx.compiled;
    const L = ctx.L;
    const A = ctx.A;
    const arc = c.arcCost;
    const { v1, first, length, v2, secondFirst, secondLength } = move;
    const r1 = plan.routes[v1];
    const r2 = plan.routes[v2];
    const n1 = r1.tasks.length;
    const n2 = r2.tasks.length;
    const last = first + length - 1;
    const secondLast = secondFirst + secondLength - 1;
    if (first < 1 || last > n1 || secondFirst < 1 || secondLast > n2 || length < 1) return Infinity;
    const visits1 = n1 - length + secondLength;
    const visits2 = n2 + length - secondLength;
    if (visits1 > c.vehicleMaxVisits[v1] || visits2 > c.vehicleMaxVisits[v2]) return Infinity;

    const load1 = r1.fwdLoad[last] - r1.fwdLoad[first - 1];
    const load2 = secondLength > 0 ? r2.fwdLoad[secondLast] - r2.fwdLoad[secondFirst - 1] : 0;
    if (
      !fitsCapacity(r1.load - load1 + load2, c.vehicleCapacity[v1]) ||
      !fitsCapacity(r2.load - load2 + load1, c.vehicleCapacity[v2])
    )
      return Infinity;

    let penalty1 = r1.penalty;
    let penalty2 = r2.penalty;
    for (let p = first; p <= last; p++) {
      const a = c.taskAppointment[r1.tasks[p - 1]];
      if (c.eligible[v2 * A + a] !== 1) return Infinity;
      penalty1 -= c.assignmentPenalty[v1 * A + a];
      penalty2 += c.assignmentPenalty[v2 * A + a];
    }
    for (let p = secondFirst; p <= secondLast; p++) {
      const a = c.taskAppointment[r2.tasks[p - 1]];
      if (c.eligible[v1 * A + a] !== 1) return Infinity;
      penalty2 -= c.assignmentPenalty[v2 * A + a];
      penalty1 += c.assignmentPenalty[v1 * A + a];
    }

    const before1 = locationAt(ctx, v1, r1, first - 1);
    const after1 = locationAt(ctx, v1, r1, last + 1);
    const before2 = locationAt(ctx, v2, r2, secondFirst - 1);
    const after2 = locationAt(ctx, v2, r2, secondLast + 1);
    const head1 = ctx.taskLocation[r1.tasks[first - 1]];
    const tail1 = ctx.taskLocation[r1.tasks[last - 1]];
    const inner1 = r1.fwdArc[last] - r1.fwdArc[first];
    let arcOut1: number;
    let arcIn2: number;
    let head2 = -1;
    let tail2 = -1;
    let inner2 = 0;
    if (secondLength > 0) {
      head2 = ctx.taskLocation[r2.tasks[secondFirst - 1]];
      tail2 = ctx.taskLocation[r2.tasks[secondLast - 1]];
      inner2 = r2.fwdArc[secondLast] - r2.fwdArc[secondFirst];
      arcOut1 = arc[before1 * L + head2] + inner2 + arc[tail2 * L + after1];
      arcIn2 = arc[before2 * L + head2] + inner2 + arc[tail2 * L + after2];
    } else {
      arcOut1 = arc[before1 * L + after1];
      arcIn2 = arc[before2 * L + after2];
    }
    const arcSum1 =
      r1.fwdArc[n1 + 1] - (arc[before1 * L + head1] + inner1 + arc[tail1 * L + after1]) + arcOut1;
    const arcSum2 =
      r2.fwdArc[n2 + 1] - arcIn2 + (arc[before2 * L + head1] + inner1 + arc[tail1 * L + after2]);
    const oldCost = r1.cost + r2.cost;
    // Overtime is never negative, so travel and penalties alone bound the change from below.
    const lowerBound =
      routeCost(ctx, v1, visits1, arcSum1, 0, penalty1) +
      routeCost(ctx, v2, visits2, arcSum2, 0, penalty2) -
      oldCost;
    if (lowerBound >= bound) return Infinity;

    const seconds = c.travelSeconds;
    if (!this.buildSegment(this.moved, v1, first, last)) return Infinity;
    const replaced = secondLength > 0 ? this.replaced : null;
    if (replaced && !this.buildSegment(replaced, v2, secondFirst, secondLast)) return Infinity;

    const joined = this.scratch.setPrefix(r1, first - 1);
    if (replaced) {
      if (!concatenate(joined, joined, seconds[before1 * L + head2], replaced)) return Infinity;
      if (
        !concatenate(
          joined,
          joined,
          seconds[tail2 * L + after1],
          this.suffix.setSuffix(r1, last + 1),
        )
      )
        return Infinity;
    } else if (
      !concatenate(
        joined,
        joined,
        seconds[before1 * L + after1],
        this.suffix.setSuffix(r1, last + 1),
      )
    )
      return Infinity;
    const duration1 = visits1 === 0 ? 0 : joined.duration;
    if (!fitsBefore(duration1, c.vehicleMaxWorking[v1])) return Infinity;

    joined.setPrefix(r2, secondFirst - 1);
    if (!concatenate(joined, joined, seconds[before2 * L + head1], this.moved)) return Infinity;
    if (
      !concatenate(
        joined,
        joined,
        seconds[tail1 * L + after2],
        this.suffix.setSuffix(r2, secondLast + 1),
      )
    )
      return Infinity;
    const duration2 = joined.duration;
    if (!fitsBefore(duration2, c.vehicleMaxWorking[v2])) return Infinity;

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

  apply(move: SegmentExchange): void {
    const [tasks1, tasks2] = this.resultingTasks(move);
    this.plan.setRouteTasks(move.v1, tasks1);
    this.plan.setRouteTasks(move.v2, tasks2);
  }

  private resultingTasks(move: SegmentExchange): [number[], number[]] {
    const t1 = this.plan.routes[move.v1].tasks;
    const t2 = this.plan.routes[move.v2].tasks;
    const end1 = move.first - 1 + move.length;
    const end2 = move.secondFirst - 1 + move.secondLength;
    const moved = t1.slice(move.first - 1, end1);
    const replaced = t2.slice(move.secondFirst - 1, end2);
    return [
      [...t1.slice(0, move.first - 1), ...replaced, ...t1.slice(end1)],
      [...t2.slice(0, move.secondFirst - 1), ...moved, ...t2.slice(end2)],
    ];
  }

  /** Time data of positions first..last of vehicle v's route; false when the segment alone has time warp. */
  private buildSegment(out: TimeSegment, v: number, first: number, last: number): boolean {
    const ctx = this.plan.ctx;
    const seconds = ctx.compiled.travelSeconds;
    const tasks = this.plan.routes[v].tasks;
    out.setTask(ctx, tasks[first - 1]);
    for (let p = first + 1; p <= last; p++) {
      const travel =
        seconds[ctx.taskLocation[tasks[p - 2]] * ctx.L + ctx.taskLocation[tasks[p - 1]]];
      if (!concatenate(out, out, travel, this.node.setTask(ctx, tasks[p - 1]))) return false;
    }
    return true;
  }
}
