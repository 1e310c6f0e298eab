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
  const cost = solution.objective.cost;
  const integral = compiled.appointmentPriority.every((priority) => Number.isInteger(priority));
  const servedOptimal = integral
    ? Math.floor(served.bound + 1e-6) <= servedPriority
    : served.bound <= servedPriority + 1e-9;
  return {
    solution,
    servedPriority,
    servedPriorityBound: served.bound,
    servedOptimal,
    cost,
    costBound: costing.bound,
    costGap: relativeGap(cost, costing.bound),
    heuristicMs,
    served,
    costing,
    timeMs: performance.now() - started,
  };
}
