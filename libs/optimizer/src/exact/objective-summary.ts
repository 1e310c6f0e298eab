import type { Solution } from '../model';

/**
 * The two lexicographic levels, rounded to what "equal" means between solvers
 * that add the same travel times in different orders (1e-6 relative).
 */
export interface ObjectiveSummary {
  readonly servedPriority: number;
  readonly cost: number;
}

export function compileObjectiveSummary(solution: Solution): ObjectiveSummary {
  return {
    servedPriority: Math.round(solution.objective.servedPriority * 1e6) / 1e6,
    cost: Number(solution.objective.cost.toPrecision(9)),
  };
}
