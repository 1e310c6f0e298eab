import { fitsBefore } from '../../model/tolerance';

import type { Route } from '../route';
import type { SolverContext } from '../solver-context';

/**
 * Time-window data of a visit sequence in the concatenation form of Vidal et al. (2013), as `Route` caches it per
 * prefix and suffix: minimum duration, earliest and latest start of the first element. Sequences with time warp are
 * never represented, so time warp is not stored.
 */
export class TimeSegment {
  duration = 0;
  earliest = 0;
  latest = 0;

  set(duration: number, earliest: number, latest: number): this {
    this.duration = duration;
    this.earliest = earliest;
    this.latest = latest;
    return this;
  }

  copyFrom(other: TimeSegment): this {
    return this.set(other.duration, other.earliest, other.latest);
  }

  setTask(ctx: SolverContext, task: number): this {
    return this.set(ctx.taskService[task], ctx.taskReady[task], ctx.taskDue[task]);
  }

  setPrefix(route: Route, position: number): this {
    return this.set(route.fwdD[position], route.fwdE[position], route.fwdL[position]);
  }

  setSuffix(route: Route, position: number): this {
    return this.set(route.bwdD[position], route.bwdE[position], route.bwdL[position]);
  }
}

/**
 * `out` = first ⊕ second with `travel` seconds between them. Returns false (and leaves `out` unspecified) when the
 * concatenation has time warp, i.e. the second part cannot start in time however early the first one starts.
 * `out` may alias either input.
 */
export function concatenate(
  out: TimeSegment,
  first: TimeSegment,
  travel: number,
  second: TimeSegment,
): boolean {
  const delta = first.duration + travel;
  if (!fitsBefore(first.earliest + delta, second.latest)) return false;
  const wait = Math.max(second.earliest - delta - first.latest, 0);
  const earliest = Math.max(second.earliest - delta, first.earliest) - wait;
  const latest = Math.min(second.latest - delta, first.latest);
  out.duration = first.duration + second.duration + travel + wait;
  out.earliest = earliest;
  out.latest = latest;
  return true;
}

/** Compiled location of route position p (0 = vehicle start, n + 1 = vehicle end). */
export function locationAt(ctx: SolverContext, v: number, route: Route, p: number): number {
  const c = ctx.compiled;
  if (p === 0) return c.vehicleStartLocation[v];
  if (p === route.tasks.length + 1) return c.vehicleEndLocation[v];
  return ctx.taskLocation[route.tasks[p - 1]];
}

/** Level-2 cost of vehicle v driving a route with these totals, exactly as `RoutePlan.refresh` computes it. */
export function routeCost(
  ctx: SolverContext,
  v: number,
  visits: number,
  arcSum: number,
  duration: number,
  penalty: number,
): number {
  if (visits === 0) return 0;
  const c = ctx.compiled;
  return (
    arcSum * c.vehicleTravelWeight[v] +
    Math.max(0, duration - c.vehicleRegularWorking[v]) * c.vehicleOvertimeWeight[v] +
    penalty
  );
}

/** Whether a task list keeps vehicle v at one clinic per clinic block (only relevant with clinic blocks). */
export function clinicBlocksConsistent(ctx: SolverContext, tasks: readonly number[]): boolean {
  const c = ctx.compiled;
  for (let i = 0; i < tasks.length; i++) {
    const block = c.taskBlock[tasks[i]];
    const clinic = c.taskClinic[tasks[i]];
    if (block < 0 || clinic < 0) continue;
    for (let j = i + 1; j < tasks.length; j++) {
      const other = tasks[j];
      if (
        c.taskBlock[other] === block &&
        c.taskClinic[other] >= 0 &&
        c.taskClinic[other] !== clinic
      )
        return false;
    }
  }
  return true;
}
