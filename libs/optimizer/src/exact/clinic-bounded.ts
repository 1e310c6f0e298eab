import { checkSolution } from '../checker';
import { solveSync } from '../heuristic';
import { compileProblem, type Problem, type Solution } from '../model';

import { ClinicBounds, type ClinicBound } from './clinic-bounds';
import { clinicModelInapplicable } from './clinic-mip';
import { relativeGap } from './mip-solver';

/**
 * The clinic week within a wall-clock budget: a heuristic plan, then proven
 * bounds on both objective levels (`clinic-bounds.ts`), so the answer states
 * how far from optimal it can be. The two levels are reported separately
 * because the objective is lexicographic: the cost bound holds for every plan
 * that serves at least the plan's priority, the lexicographic optimum included
 * (it serves at least as much).
 */

export interface ClinicBoundedOptions {
  /** Whole budget (default 1,000 ms): heuristic first, then the bounds. */
  readonly timeLimitMs?: number;
  readonly seed?: number;
  /** Share of the budget for the heuristic plan. */
  readonly heuristicShare?: number;
  /**
   * Price-and-branch: after the bounds, solve the cost master's columns (the
   * plan's days and every priced chain) as a set-partitioning MIP on HiGHS,
   * started from the plan, for at most this many ms ON TOP of `timeLimitMs`
   * (default 0: off). The answer replaces the plan only when it passes
   * the checker and is lexicographically better.
   */
  readonly restrictedMasterMs?: number;
}

export interface ClinicBoundedResult {
  readonly solution: Solution;
  readonly servedPriority: number;
  /** Proven: no plan serves more priority. */
  readonly servedPriorityBound: number;
  /** The plan's served priority is proven optimal (first level closed). */
  readonly servedOptimal: boolean;
  readonly cost: number;
  /** Proven: every plan serving at least `servedPriority` costs at least this. */
  readonly costBound: number;
  /** (cost − costBound) / max(1, cost). */
  readonly costGap: number;
  readonly heuristicMs: number;
  readonly served: ClinicBound;
  readonly costing: ClinicBound;
  /** The restricted-master MIP's plan replaced the heuristic's. */
  readonly fromRestrictedMaster: boolean;
  readonly restrictedMasterMs: number;
  readonly timeMs: number;
}

const DEFAULT_BUDGET_MS = 1_000;
const DEFAULT_HEURISTIC_SHARE = 0.5;
/** Of what is left after the heuristic: the served bound converges in fewer, cheaper iterations. */
const SERVED_SHARE = 0.45;

export async function solveClinicBounded(
  problem: Problem,
  options: ClinicBoundedOptions = {},
): Promise<ClinicBoundedResult> {
  const started = performance.now();
  const budget = options.timeLimitMs ?? DEFAULT_BUDGET_MS;
  const compiled = compileProblem(problem);
  const reason = clinicModelInapplicable(compiled);
  if (reason !== null) throw new RangeError(`clinic bounds do not apply: ${reason}`);

  const solution = solveSync(problem, {
    timeLimitMs: budget * (options.heuristicShare ?? DEFAULT_HEURISTIC_SHARE),
    seed: options.seed ?? 1,
  });
  const heuristicMs = performance.now() - started;
  const remaining = (): number => Math.max(1, budget - (performance.now() - started));
  const bounds = new ClinicBounds(compiled);
  const served = await bounds.servedPriorityBound({
    timeLimitMs: remaining() * SERVED_SHARE,
    warmStart: solution,
  });
  const servedPriority = solution.objective.servedPriority;
  const costing = await bounds.costBound(servedPriority, {
    timeLimitMs: remaining(),
    warmStart: solution,
  });
  let plan = solution;
  let fromRestrictedMaster = false;
  const restrictedStarted = performance.now();
  const restrictedBudget = options.restrictedMasterMs ?? 0;
  if (restrictedBudget > 0) {
    const candidate = await bounds.restrictedMasterPlan(servedPriority, {
      timeLimitMs: restrictedBudget,
    });
    if (
      candidate !== undefined &&
      checkSolution(problem, candidate).length === 0 &&
      lexicographicallyBetter(candidate, solution)
    ) {
      plan = candidate;
      fromRestrictedMaster = true;
    }
  }
  const restrictedMasterMs = performance.now() - restrictedStarted;
  const cost = plan.objective.cost;
  const integral = compiled.appointmentPriority.every((priority) => Number.isInteger(priority));
  const planPriority = plan.objective.servedPriority;
  const servedOptimal = integral
    ? Math.floor(served.bound + 1e-6) <= planPriority
    : served.bound <= planPriority + 1e-9;
  return {
    solution: plan,
    // The cost bound holds for every plan serving ≥ the heuristic's priority, so for ≥ this one too.
    servedPriority: plan.objective.servedPriority,
    servedPriorityBound: served.bound,
    servedOptimal,
    cost,
    costBound: costing.bound,
    costGap: relativeGap(cost, costing.bound),
    heuristicMs,
    served,
    costing,
    fromRestrictedMaster,
    restrictedMasterMs,
    timeMs: performance.now() - started,
  };
}

/** More served priority, or as much at a lower cost (tolerances as in the objective). */
function lexicographicallyBetter(candidate: Solution, incumbent: Solution): boolean {
  const served = candidate.objective.servedPriority - incumbent.objective.servedPriority;
  if (Math.abs(served) > 1e-9) return served > 0;
  return candidate.objective.cost < incumbent.objective.cost - 1e-6;
}
