import { compileProblem, type Problem } from '../model';

import { buildClinicMip, clinicModelInapplicable } from './clinic-mip';
import { solveLexicographic, type ExactResult, type ExactSolveOptions } from './exact-solver';

export { clinicModelInapplicable };

/** Optimal (or bounded, under a time limit) plan for a clinic week; throws when the model does not apply. */
export async function solveClinicExact(
  problem: Problem,
  options: ExactSolveOptions = {},
): Promise<ExactResult> {
  const compiled = compileProblem(problem);
  return solveLexicographic(compiled, buildClinicMip(compiled), 'clinic', options);
}
