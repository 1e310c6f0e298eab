import { solveCompiled, solveSync } from '../heuristic';
import { compileProblem } from '../model';

import { diffPlans } from './plan-diff';
import { prepareReplan } from './residual-problem';
import { DEFAULT_REPLAN_TIME_LIMIT_MS, searchStablePlan } from './stable-search';
import { residualRoutesOf, residualRoutesOfSolution, stitch } from './stitch';

import type { CompiledProblem, Solution } from '../model';
import type { ReplanOptions, ReplanRequest, ReplanResult } from './replan-types';
import type { KeptRoute } from './residual-problem';
import type { StableSearchOutcome } from './stable-search';

/** Share of the remaining budget the full-solver polish may use; the rest settles its result. */
const POLISH_SHARE = 0.8;

/**
 * Re-plans after changes with as little disruption as possible. Lexicographic objective:
 * 1. served priority — never serve less than possible for the sake of stability;
 * 2. changed assignments (moved to another provider, or dropped) — `changedAssignmentCost`, which by default exceeds
 *    any plan's travel + overtime + preference cost (see `lexicographicChangeCost`);
 * 3. travel, overtime, preferences as in the plan objective.
 * The past is fixed: visits that started before `freezeTime` keep provider and start (a cancellation of one is
 * refused and reported), nothing new starts before it, and a started shift continues from its last frozen visit.
 *
 * Search: unaffected routes are kept as they were and only orphaned, added and unserved visits are placed, then a
 * descent anchored on them (`searchStablePlan`). Its ejections are one route deep, so after a large disruption (a
 * provider out for a week) it can miss coverage a longer chain of moves would win; the full solver, warm-started from
 * it under the same lexicographic costs, then polishes and the anchored descent settles the outcome. The better of the
 * two by the re-planning objective is returned, so the polish can never add disruption for nothing.
 */
export function replan(request: ReplanRequest, options: ReplanOptions = {}): ReplanResult {
  const startedAt = performance.now();
  const prepared = prepareReplan(request, options.travel);
  const compiled = compileProblem(prepared.residualProblem, prepared.travel);
  const onlyIterations = options.timeLimitMs === undefined && options.maxIterations !== undefined;
  const timeLimitMs =
    options.timeLimitMs ?? (onlyIterations ? Infinity : DEFAULT_REPLAN_TIME_LIMIT_MS);
  const focusedOptions = { ...options, timeLimitMs };

  const focused = searchStablePlan(compiled, prepared.keptRoutes, focusedOptions, startedAt);
  let best = focused;
  let iterations = focused.iterations;
  const remainingMs = timeLimitMs - (performance.now() - startedAt);
  if (options.polish !== false && focused.stopReason !== 'no-work' && remainingMs > 0) {
    const polished = solveCompiled(compiled, {
      seed: options.seed,
      maxIterations: options.maxIterations,
      timeLimitMs: Number.isFinite(remainingMs) ? remainingMs * POLISH_SHARE : undefined,
      warmStart: keptRoutesOf(compiled, focused.routes),
    });
    const settled = searchStablePlan(
      compiled,
      withOldOrderWhereUnchanged(keptRoutesOfSolution(polished), prepared.keptRoutes),
      focusedOptions,
      startedAt,
    );
    iterations += polished.statistics.iterations + settled.iterations;
    if (isBetter(settled, focused)) best = settled;
  }

  const solution = stitch(prepared, residualRoutesOf(compiled, best.routes), {
    solver: 'replan-stable',
    seed: options.seed ?? 1,
    threads: 1,
    iterations,
    elapsedMs: performance.now() - startedAt,
    bestFoundAtIteration: best.bestFoundAtIteration,
    bestFoundAtMs: best.bestFoundAtMs,
    stopReason: focused.stopReason,
    initialCost: focused.initialCost,
  });
  return {
    problem: prepared.finalProblem,
    solution,
    ...diffPlans(prepared, request.plan, solution),
  };
}

/**
 * Baseline for comparison only: the same frozen past and changes, solved from scratch by the full solver with no
 * knowledge of the old plan. It shows what stability buys; do not use it to re-plan.
 */
export function replanFromScratch(
  request: ReplanRequest,
  options: ReplanOptions = {},
): ReplanResult {
  const prepared = prepareReplan(request, options.travel);
  const residual = solveSync(
    { ...prepared.residualProblem, previousAssignments: undefined },
    {
      seed: options.seed,
      timeLimitMs: options.timeLimitMs,
      maxIterations: options.maxIterations,
      travel: prepared.travel,
    },
  );
  const solution = stitch(prepared, residualRoutesOfSolution(residual), {
    ...residual.statistics,
    solver: 'alns-from-scratch',
  });
  return {
    problem: prepared.finalProblem,
    solution,
    ...diffPlans(prepared, request.plan, solution),
  };
}

/** Relative: the scores carry lexicographic weights of ~1e9 and more, which a fixed epsilon would not survive. */
function isBetter(a: StableSearchOutcome, b: StableSearchOutcome): boolean {
  return a.score < b.score - 1e-9 * Math.max(1, Math.abs(b.score));
}

function keptRoutesOf(
  compiled: CompiledProblem,
  routes: readonly (readonly number[])[],
): KeptRoute[] {
  return routes.map((tasks, v) => ({
    providerId: compiled.providerIds[compiled.vehicleProvider[v]],
    shiftIndex: compiled.vehicleShift[v],
    appointmentIds: tasks.map((t) => compiled.appointmentIds[compiled.taskAppointment[t]]),
  }));
}

/**
 * The polish re-sequences routes to save travel, which retimes visits nobody asked to move. A route that serves the same
 * visits as before gets its old order back; if that no longer fits, the settle step re-inserts what falls out.
 */
function withOldOrderWhereUnchanged(
  routes: readonly KeptRoute[],
  old: readonly KeptRoute[],
): KeptRoute[] {
  const oldByShift = new Map(old.map((r) => [`${r.providerId}#${r.shiftIndex}`, r.appointmentIds]));
  return routes.map((route) => {
    const previous = oldByShift.get(`${route.providerId}#${route.shiftIndex}`);
    const same =
      previous !== undefined &&
      previous.length === route.appointmentIds.length &&
      route.appointmentIds.every((id) => previous.includes(id));
    return same ? { ...route, appointmentIds: previous } : route;
  });
}

function keptRoutesOfSolution(solution: Solution): KeptRoute[] {
  return solution.itineraries.map((i) => ({
    providerId: i.providerId,
    shiftIndex: i.shiftIndex,
    appointmentIds: i.stops.map((s) => s.appointmentId),
  }));
}
