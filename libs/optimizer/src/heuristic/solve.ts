import { compileProblem, createTravelTimeProvider } from '../model';

import { runAlns } from './alns';
import { buildSolution } from './build-solution';
import { regretInsertion, greedyInsertionWithBlinks } from './recreate';
import { RoutePlan } from './route-plan';
import { SeededRandom } from './seeded-random';
import { SharedBest } from './shared-best';
import { SolverContext } from './solver-context';

import type {
  CompiledProblem,
  ObjectiveMode,
  Problem,
  Solution,
  TravelTimeProvider,
} from '../model';

export const DEFAULT_TIME_LIMIT_MS = 2000;
/** Above this many appointments the O(n²·routes) regret construction is replaced by greedy insertion. */
const REGRET_CONSTRUCTION_LIMIT = 800;

/** A previous plan to start from: one entry per provider shift, visits in order. */
export interface WarmStartRoute {
  readonly providerId: string;
  readonly shiftIndex: number;
  readonly appointmentIds: readonly string[];
}

export interface SolveOptions {
  /** Wall-clock budget of the improvement phase. Default 2000 ms unless only `maxIterations` is given. */
  readonly timeLimitMs?: number;
  /** Iteration cap; with no time limit the run is fully deterministic for a seed. */
  readonly maxIterations?: number;
  readonly seed?: number;
  /**
   * Runs on worker threads with seeds seed, seed+1, …; the best wins (sharing an elite pool under a time limit).
   * Used by `solve` only.
   */
  readonly threads?: number;
  /** Overrides `problem.objective.mode`. */
  readonly objective?: ObjectiveMode;
  /** Overrides `problem.travel` (e.g. a maps-backed provider). */
  readonly travel?: TravelTimeProvider;
  readonly warmStart?: readonly WarmStartRoute[];
}

export function resolveLimits(options: SolveOptions): {
  timeLimitMs: number;
  maxIterations: number;
} {
  const onlyIterations = options.timeLimitMs === undefined && options.maxIterations !== undefined;
  return {
    timeLimitMs: options.timeLimitMs ?? (onlyIterations ? Infinity : DEFAULT_TIME_LIMIT_MS),
    maxIterations: options.maxIterations ?? Infinity,
  };
}

export function withObjectiveMode(problem: Problem, mode: ObjectiveMode | undefined): Problem {
  return mode === undefined ? problem : { ...problem, objective: { ...problem.objective, mode } };
}

/** Single-threaded, synchronous solve: construction, then ALNS until the time limit or iteration cap. */
export function solveSync(
  problem: Problem,
  options: SolveOptions = {},
  sharedBest?: SharedArrayBuffer,
): Solution {
  const startedAt = performance.now();
  const effective = withObjectiveMode(problem, options.objective);
  const compiled = compileProblem(effective, options.travel ?? createTravelTimeProvider(effective));
  return solveCompiled(compiled, options, startedAt, sharedBest);
}

export function solveCompiled(
  compiled: CompiledProblem,
  options: SolveOptions,
  startedAt = performance.now(),
  sharedBest?: SharedArrayBuffer,
): Solution {
  const seed = options.seed ?? 1;
  const random = new SeededRandom(seed);
  const plan = new RoutePlan(new SolverContext(compiled));
  applyWarmStart(plan, compiled, options.warmStart ?? []);
  const pinnedFirst = plan.ctx.servableAppointments.filter(
    (a) => compiled.appointmentPinnedProvider[a] >= 0 && plan.vehicleOf[a] < 0,
  );
  regretInsertion(plan, random, pinnedFirst);
  const rest = plan.ctx.servableAppointments.filter((a) => plan.vehicleOf[a] < 0);
  if (rest.length <= REGRET_CONSTRUCTION_LIMIT) regretInsertion(plan, random, rest);
  else greedyInsertionWithBlinks(plan, random, rest);
  const initialCost = plan.cost - plan.unservedPenaltySum;
  const limits = resolveLimits(options);
  const elapsedSoFar = performance.now() - startedAt;
  const outcome = runAlns(
    plan,
    random,
    { ...limits, timeLimitMs: limits.timeLimitMs - elapsedSoFar },
    () => performance.now(),
    sharedBest ? new SharedBest(sharedBest, compiled.vehicleCount) : undefined,
  );
  return buildSolution(compiled, outcome.best, {
    solver: 'alns',
    seed,
    threads: 1,
    iterations: outcome.iterations,
    elapsedMs: performance.now() - startedAt,
    bestFoundAtIteration: outcome.bestFoundAtIteration,
    bestFoundAtMs: outcome.bestFoundAtMs + elapsedSoFar,
    stopReason: outcome.stopReason,
    initialCost,
  });
}

/** Inserts the previous plan's visits in their old order where they are still feasible. */
function applyWarmStart(
  plan: RoutePlan,
  compiled: CompiledProblem,
  routes: readonly WarmStartRoute[],
): void {
  for (const route of routes) {
    const provider = compiled.providerIndexById.get(route.providerId);
    let v = -1;
    for (let i = 0; i < compiled.vehicleCount; i++) {
      if (compiled.vehicleProvider[i] === provider && compiled.vehicleShift[i] === route.shiftIndex)
        v = i;
    }
    if (v < 0) continue;
    for (const id of route.appointmentIds) {
      const a = compiled.appointmentIndexById.get(id);
      if (a === undefined || plan.vehicleOf[a] >= 0 || !plan.canTake(v, a)) continue;
      const end = plan.routes[v].tasks.length;
      let bestTask = -1;
      let bestDelta = Infinity;
      for (
        let t = compiled.appointmentFirstTask[a];
        t < compiled.appointmentFirstTask[a + 1];
        t++
      ) {
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
