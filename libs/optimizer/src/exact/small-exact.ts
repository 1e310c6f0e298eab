import { compileProblem, type Problem } from '../model';

import { solveLexicographic, type ExactResult, type ExactSolveOptions } from './exact-solver';
import { buildRoutingMip } from './routing-mip';

/** Largest instance the arc formulation is meant for; beyond it the model grows quadratically per vehicle. */
export const SMALL_EXACT_LIMITS = { appointments: 12, providers: 3 } as const;

export async function solveSmallExact(
  problem: Problem,
  options: ExactSolveOptions = {},
): Promise<ExactResult> {
  if (
    problem.appointments.length > SMALL_EXACT_LIMITS.appointments ||
    problem.providers.length > SMALL_EXACT_LIMITS.providers
  ) {
    throw new RangeError(
      `exact routing model is for ≤ ${SMALL_EXACT_LIMITS.appointments} appointments and ≤ ${SMALL_EXACT_LIMITS.providers} providers`,
    );
  }
  const compiled = compileProblem(problem);
  return solveLexicographic(compiled, buildRoutingMip(compiled), 'routing', options);
}
