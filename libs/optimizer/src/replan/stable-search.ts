import { SeededRandom } from '../heuristic';
import { regretInsertion } from '../heuristic/recreate';
import { RoutePlan } from '../heuristic/route-plan';
import { SolverContext } from '../heuristic/solver-context';
import { DEFAULT_CHANGED_ASSIGNMENT_COST } from '../model';

import { ejectForUnserved, removeRelatedToDisruption } from './stable-ruin';

import type { CompiledProblem } from '../model';
import type { ReplanOptions } from './replan-types';
import type { KeptRoute } from './residual-problem';

export const DEFAULT_REPLAN_TIME_LIMIT_MS = 1000;
export const DEFAULT_ITERATIONS_WITHOUT_IMPROVEMENT = 400;

export interface StableSearchOutcome {
  /** Task sequence per vehicle of the compiled (residual) problem. */
  readonly routes: number[][];
  readonly iterations: number;
  readonly bestFoundAtIteration: number;
  readonly bestFoundAtMs: number;
  readonly elapsedMs: number;
  readonly stopReason: 'time-limit' | 'iteration-limit' | 'no-work';
  /** Level-2 cost after keeping the old routes and inserting the orphans, before improvement. */
  readonly initialCost: number;
  /** The search's own objective of `routes`: plan cost plus `changedAssignmentCost` per dropped old visit. */
  readonly score: number;
}

/**
 * Minimal-disruption repair of a residual problem whose `previousAssignments` are set:
 * 1. every old route is rebuilt in its old order (what no longer fits becomes an orphan);
 * 2. orphans, added and previously unserved visits are inserted by regret-2, where the compiled assignment penalty
 *    already charges `changedAssignmentCost` for a provider other than the previous one;
 * 3. a short descent of ruin-and-recreate steps that only dig where the change happened: eject visits that block an
 *    unserved one in time, or pull out the visits related (place and time) to a moved/unserved one.
 * A step is kept when it does not worsen `served priority ≫ changed assignments ≫ travel`, where — unlike the plan
 * objective — dropping a previously served visit counts as a change too.
 */
export function searchStablePlan(
  compiled: CompiledProblem,
  keptRoutes: readonly KeptRoute[],
  options: ReplanOptions,
  startedAt = performance.now(),
): StableSearchOutcome {
  const random = new SeededRandom(options.seed ?? 1);
  const ctx = new SolverContext(compiled, 16);
  const plan = new RoutePlan(ctx);
  rebuildKeptRoutes(plan, keptRoutes);
  regretInsertion(plan, random, unservedServable(plan));
  const initialCost = plan.cost - plan.unservedPenaltySum;

  const previous = hasPreviousAssignment(compiled);
  const changeCost =
    compiled.problem.objective?.changedAssignmentCost ?? DEFAULT_CHANGED_ASSIGNMENT_COST;
  const score = () => {
    let dropped = 0;
    for (let a = 0; a < ctx.A; a++) if (previous[a] === 1 && plan.vehicleOf[a] < 0) dropped++;
    return plan.cost + dropped * changeCost;
  };
  // Costs reach ~1e10 once the lexicographic weights are folded in; a fixed epsilon would drown real travel savings.
  const epsilon = 1e-9 * Math.max(1, Math.abs(plan.cost));

  const onlyIterations = options.timeLimitMs === undefined && options.maxIterations !== undefined;
  const timeLimitMs =
    options.timeLimitMs ?? (onlyIterations ? Infinity : DEFAULT_REPLAN_TIME_LIMIT_MS);
  const maxIterations = options.maxIterations ?? Infinity;
  const patience =
    options.maxIterationsWithoutImprovement ?? DEFAULT_ITERATIONS_WITHOUT_IMPROVEMENT;

  let best = plan.snapshot();
  let bestScore = score();
  let bestFoundAtIteration = 0;
  let bestFoundAtMs = 0;
  let iteration = 0;
  let stopReason: StableSearchOutcome['stopReason'] = 'iteration-limit';
  if (!hasDisruption(plan) || maxIterations <= 0) stopReason = 'no-work';
  else {
    for (;;) {
      if (iteration >= maxIterations || iteration - bestFoundAtIteration >= patience) break;
      if (performance.now() - startedAt >= timeLimitMs) {
        stopReason = 'time-limit';
        break;
      }
      iteration++;
      plan.beginTransaction();
      const unserved = unservedServable(plan);
      const removed =
        unserved.length > 0 && random.next() < 0.5
          ? ejectForUnserved(plan, random, unserved)
          : removeRelatedToDisruption(plan, random, previous);
      if (removed.length === 0) {
        plan.rollback();
        continue;
      }
      regretInsertion(plan, random, unservedServable(plan));
      const candidate = score();
      if (candidate <= bestScore + epsilon) {
        plan.commit();
        if (candidate < bestScore - epsilon) {
          best = plan.snapshot();
          bestScore = candidate;
          bestFoundAtIteration = iteration;
          bestFoundAtMs = performance.now() - startedAt;
        }
      } else plan.rollback();
    }
  }
  // Equal-score steps are accepted to cross plateaus, so the current plan may differ from the best; both score the same.
  return {
    routes: best,
    iterations: iteration,
    bestFoundAtIteration,
    bestFoundAtMs,
    elapsedMs: performance.now() - startedAt,
    stopReason,
    initialCost,
    score: bestScore,
  };
}

function unservedServable(plan: RoutePlan): number[] {
  return plan.ctx.servableAppointments.filter((a) => plan.vehicleOf[a] < 0);
}

function hasPreviousAssignment(compiled: CompiledProblem): Uint8Array {
  const previous = compiled.problem.previousAssignments ?? {};
  return Uint8Array.from(compiled.appointmentIds, (id) => (Object.hasOwn(previous, id) ? 1 : 0));
}

/** Something to improve: a servable visit left out, or one served by a provider other than before. */
function hasDisruption(plan: RoutePlan): boolean {
  const c = plan.ctx.compiled;
  for (const a of plan.ctx.servableAppointments) {
    const v = plan.vehicleOf[a];
    if (v < 0 || c.changedAssignment[v * c.appointmentCount + a] === 1) return true;
  }
  return false;
}

/** Old visits back into their old shift in their old order, each on its cheapest still-feasible start window. */
function rebuildKeptRoutes(plan: RoutePlan, keptRoutes: readonly KeptRoute[]): void {
  const c = plan.ctx.compiled;
  const vehicleByShift = new Map<string, number>();
  for (let v = 0; v < c.vehicleCount; v++)
    vehicleByShift.set(`${c.providerIds[c.vehicleProvider[v]]}#${c.vehicleShift[v]}`, v);
  for (const route of keptRoutes) {
    const v = vehicleByShift.get(`${route.providerId}#${route.shiftIndex}`);
    if (v === undefined) continue;
    for (const id of route.appointmentIds) {
      const a = c.appointmentIndexById.get(id);
      if (a === undefined || plan.vehicleOf[a] >= 0 || !plan.canTake(v, a)) continue;
      const end = plan.routes[v].tasks.length;
      let bestTask = -1;
      let bestDelta = Infinity;
      for (let t = c.appointmentFirstTask[a]; t < c.appointmentFirstTask[a + 1]; t++) {
        const delta = plan.insertionDelta(v, t, end);
        if (delta < bestDelta) {
          bestDelta = delta;
          bestTask = t;
        }
      }
      if (bestTask >= 0) plan.insert(v, end + 1, bestTask);
    }
  }
}
