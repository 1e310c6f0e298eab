import { fitsBefore } from '../../model/tolerance';

import { concatenate, locationAt, routeCost, TimeSegment } from './time-segment';

import type { RoutePlan } from '../route-plan';

/** Longest segment an or-opt move relocates. */
export const MAX_OR_OPT_LENGTH = 3;

/** The best intra-route move found: reverse positions i..j (2-opt) or move i..i+length-1 to after position j. */
interface IntraRouteMove {
  kind: 'reverse' | 'relocate';
  i: number;
  j: number;
  length: number;
  delta: number;
}

/**
 * Intra-route 2-opt (segment reversal) and or-opt (move a run of 1–3 visits elsewhere in the route). A full scan of
 * one route is O(n²): the middle sequence between the cut points is grown one visit at a time, so each candidate's
 * time-window check is O(1). Visits stay with their vehicle, so eligibility, load and penalties do not change.
 */
export class IntraRouteMoves {
  private readonly reversed = new TimeSegment();
  private readonly moved = new TimeSegment();
  private readonly growing = new TimeSegment();
  private readonly joined = new TimeSegment();
  private readonly node = new TimeSegment();
  private readonly suffix = new TimeSegment();
  private locations = new Int32Array(64);
  private readonly best: IntraRouteMove = {
    kind: 'reverse',
    i: 0,
    j: 0,
    length: 0,
    delta: 0,
  };

  constructor(private readonly plan: RoutePlan) {}

  /**
   * Applies best-improvement moves to vehicle v's route until none improves by more than `epsilon` or `maxMoves`
   * were applied; returns the number applied.
   */
  improve(v: number, epsilon: number, maxMoves = Infinity): number {
    let applied = 0;
    while (applied < maxMoves) {
      this.best.delta = -epsilon;
      this.best.length = 0;
      this.scanReversals(v);
      this.scanRelocations(v);
      if (this.best.length === 0) return applied;
      this.apply(v, this.best);
      applied++;
    }
    return applied;
  }

  private record(
    kind: IntraRouteMove['kind'],
    i: number,
    j: number,
    length: number,
    delta: number,
  ) {
    const best = this.best;
    best.kind = kind;
    best.i = i;
    best.j = j;
    best.length = length;
    best.delta = delta;
  }

  private scanReversals(v: number): void {
    const plan = this.plan;
    const ctx = plan.ctx;
    const c = ctx.compiled;
    const L = ctx.L;
    const arc = c.arcCost;
    const seconds = c.travelSeconds;
    const route = plan.routes[v];
    const tasks = route.tasks;
    const n = tasks.length;
    const arcTotal = route.fwdArc[n + 1];
    const reversed = this.reversed;
    for (let i = 1; i < n; i++) {
      const before = locationAt(ctx, v, route, i - 1);
      const firstLoc = ctx.taskLocation[tasks[i - 1]];
      reversed.setTask(ctx, tasks[i - 1]);
      let reversedArc = 0;
      let previousLoc = firstLoc;
      for (let j = i + 1; j <= n; j++) {
        const loc = ctx.taskLocation[tasks[j - 1]];
        // Prepending visit j: once the reversed run itself is infeasible, longer ones are too.
        if (
          !concatenate(
            reversed,
            this.node.setTask(ctx, tasks[j - 1]),
            seconds[loc * L + previousLoc],
            reversed,
          )
        )
          break;
        reversedArc += arc[loc * L + previousLoc];
        previousLoc = loc;
        const after = locationAt(ctx, v, route, j + 1);
        const arcSum =
          arcTotal -
          (arc[before * L + firstLoc] +
            (route.fwdArc[j] - route.fwdArc[i]) +
            arc[loc * L + after]) +
          (arc[before * L + loc] + reversedArc + arc[firstLoc * L + after]);
        const bound = routeCost(ctx, v, n, arcSum, 0, route.penalty) - route.cost;
        if (bound >= this.best.delta) continue;
        const joined = this.joined.setPrefix(route, i - 1);
        if (!concatenate(joined, joined, seconds[before * L + loc], reversed)) continue;
        if (
          !concatenate(
            joined,
            joined,
            seconds[firstLoc * L + after],
            this.suffix.setSuffix(route, j + 1),
          )
        )
          continue;
        const delta = this.completedDelta(v, arcSum, joined.duration);
        if (delta < this.best.delta) this.record('reverse', i, j, j - i + 1, delta);
      }
    }
  }

  private scanRelocations(v: number): void {
    const plan = this.plan;
    const ctx = plan.ctx;
    const c = ctx.compiled;
    const L = ctx.L;
    const arc = c.arcCost;
    const seconds = c.travelSeconds;
    const route = plan.routes[v];
    const tasks = route.tasks;
    const n = tasks.length;
    const locations = this.routeLocations(v);
    for (let i = 1; i <= n; i++) {
      const before = locations[i - 1];
      const head = locations[i];
      const moved = this.moved.setTask(ctx, tasks[i - 1]);
      for (let length = 1; length <= MAX_OR_OPT_LENGTH && i + length - 1 <= n; length++) {
        const last = i + length - 1;
        const tail = locations[last];
        if (length > 1) {
          const previous = locations[last - 1];
          if (
            !concatenate(
              moved,
              moved,
              seconds[previous * L + tail],
              this.node.setTask(ctx, tasks[last - 1]),
            )
          )
            break;
        }
        const after = locations[last + 1];
        const removedArc = arc[before * L + head] + arc[tail * L + after] - arc[before * L + after];
        this.scanForwardTargets(v, i, last, removedArc);
        this.scanBackwardTargets(v, i, last, removedArc);
      }
    }
  }

  /** Locations of vehicle v's route positions 0..n+1 (start, visits, end), in a reused buffer. */
  private routeLocations(v: number): Int32Array {
    const ctx = this.plan.ctx;
    const tasks = this.plan.routes[v].tasks;
    const n = tasks.length;
    if (this.locations.length < n + 2) this.locations = new Int32Array(2 * (n + 2));
    const locations = this.locations;
    locations[0] = ctx.compiled.vehicleStartLocation[v];
    for (let p = 1; p <= n; p++) locations[p] = ctx.taskLocation[tasks[p - 1]];
    locations[n + 1] = ctx.compiled.vehicleEndLocation[v];
    return locations;
  }

  /**
   * Moves positions i..last to after position j > last: prefix(i-1) ⊕ (last+1..j) ⊕ moved ⊕ suffix(j+1).
   * Travel and penalties bound each target in O(1) (overtime is never negative); the time data of (last+1..j) is
   * grown only as far as a target that passes that bound, and once it has time warp no later target can work.
   */
  private scanForwardTargets(v: number, i: number, last: number, removedArc: number) {
    const ctx = this.plan.ctx;
    const c = ctx.compiled;
    const L = ctx.L;
    const arc = c.arcCost;
    const seconds = c.travelSeconds;
    const route = this.plan.routes[v];
    const tasks = route.tasks;
    const n = tasks.length;
    const locations = this.locations;
    const head = locations[i];
    const tail = locations[last];
    const weight = c.vehicleTravelWeight[v];
    const base = (route.fwdArc[n + 1] - removedArc) * weight + route.penalty - route.cost;
    const growing = this.growing.setPrefix(route, i - 1);
    let grownTo = i - 1;
    let previousLoc = locations[i - 1];
    for (let j = last + 1; j <= n; j++) {
      const loc = locations[j];
      const after = locations[j + 1];
      const arcChange = arc[loc * L + head] + arc[tail * L + after] - arc[loc * L + after];
      if (base + arcChange * weight >= this.best.delta) continue;
      for (let p = grownTo === i - 1 ? last + 1 : grownTo + 1; p <= j; p++) {
        const nodeLoc = locations[p];
        if (
          !concatenate(
            growing,
            growing,
            seconds[previousLoc * L + nodeLoc],
            this.node.setTask(ctx, tasks[p - 1]),
          )
        )
          return;
        previousLoc = nodeLoc;
      }
      grownTo = j;
      const joined = this.joined;
      if (!concatenate(joined, growing, seconds[loc * L + head], this.moved)) continue;
      if (
        !concatenate(joined, joined, seconds[tail * L + after], this.suffix.setSuffix(route, j + 1))
      )
        continue;
      const arcSum = route.fwdArc[n + 1] - removedArc + arcChange;
      const delta = this.completedDelta(v, arcSum, joined.duration);
      if (delta < this.best.delta) this.record('relocate', i, j, last - i + 1, delta);
    }
  }

  /**
   * Moves positions i..last to after position j < i - 1: prefix(j) ⊕ moved ⊕ (j+1..i-1) ⊕ suffix(last+1), with
   * the same O(1) bound and lazily grown (j+1..i-1) ⊕ suffix(last+1) as the forward scan.
   */
  private scanBackwardTargets(v: number, i: number, last: number, removedArc: number) {
    const ctx = this.plan.ctx;
    const c = ctx.compiled;
    const L = ctx.L;
    const arc = c.arcCost;
    const seconds = c.travelSeconds;
    const route = this.plan.routes[v];
    const tasks = route.tasks;
    const n = tasks.length;
    const locations = this.locations;
    const head = locations[i];
    const tail = locations[last];
    const weight = c.vehicleTravelWeight[v];
    const base = (route.fwdArc[n + 1] - removedArc) * weight + route.penalty - route.cost;
    // `growing` = visits j+1..i-1 followed by the rest of the route after the moved run.
    const growing = this.growing.setSuffix(route, last + 1);
    let grownFrom = last + 1;
    let nextLoc = locations[last + 1];
    for (let j = i - 2; j >= 0; j--) {
      const loc = locations[j + 1];
      const before = locations[j];
      const arcChange = arc[before * L + head] + arc[tail * L + loc] - arc[before * L + loc];
      if (base + arcChange * weight >= this.best.delta) continue;
      for (let p = grownFrom === last + 1 ? i - 1 : grownFrom - 1; p >= j + 1; p--) {
        const nodeLoc = locations[p];
        if (
          !concatenate(
            growing,
            this.node.setTask(ctx, tasks[p - 1]),
            seconds[nodeLoc * L + nextLoc],
            growing,
          )
        )
          return;
        nextLoc = nodeLoc;
      }
      grownFrom = j + 1;
      const joined = this.joined.setPrefix(route, j);
      if (!concatenate(joined, joined, seconds[before * L + head], this.moved)) continue;
      if (!concatenate(joined, joined, seconds[tail * L + loc], growing)) continue;
      const arcSum = route.fwdArc[n + 1] - removedArc + arcChange;
      const delta = this.completedDelta(v, arcSum, joined.duration);
      if (delta < this.best.delta) this.record('relocate', i, j, last - i + 1, delta);
    }
  }

  private completedDelta(v: number, arcSum: number, duration: number): number {
    const ctx = this.plan.ctx;
    if (!fitsBefore(duration, ctx.compiled.vehicleMaxWorking[v])) return Infinity;
    const route = this.plan.routes[v];
    return routeCost(ctx, v, route.tasks.length, arcSum, duration, route.penalty) - route.cost;
  }

  private apply(v: number, move: IntraRouteMove): void {
    const tasks = this.plan.routes[v].tasks;
    const { i, j, length } = move;
    let next: number[];
    if (move.kind === 'reverse') {
      next = [...tasks.slice(0, i - 1), ...tasks.slice(i - 1, j).reverse(), ...tasks.slice(j)];
    } else {
      const run = tasks.slice(i - 1, i - 1 + length);
      const rest = [...tasks.slice(0, i - 1), ...tasks.slice(i - 1 + length)];
      // Target "after position j" in the original numbering; positions past the run shift left by its length.
      const at = j > i ? j - length : j;
      next = [...rest.slice(0, at), ...run, ...rest.slice(at)];
    }
    this.plan.setRouteTasks(v, next);
  }
}
