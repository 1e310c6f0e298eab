import { checkSolution } from '../../checker';
import { compileProblem } from '../../model';
import { buildSolution } from '../build-solution';
import { regretInsertion } from '../recreate';
import { RoutePlan } from '../route-plan';
import { SeededRandom } from '../seeded-random';
import { SolverContext } from '../solver-context';

import type { Violation } from '../../checker';
import type { CompiledProblem, Problem, Solution } from '../../model';

/** Spec helpers: a constructed plan of a problem and its checker verdict (not exported from the library). */
export interface PlanFixture {
  readonly problem: Problem;
  readonly compiled: CompiledProblem;
  readonly plan: RoutePlan;
}

export function constructedPlan(problem: Problem, seed: number): PlanFixture {
  const compiled = compileProblem(problem);
  const plan = new RoutePlan(new SolverContext(compiled));
  regretInsertion(plan, new SeededRandom(seed), plan.ctx.servableAppointments.slice());
  return { problem, compiled, plan };
}

export function solutionOf(fixture: PlanFixture, routes: readonly (readonly number[])[]): Solution {
  return buildSolution(fixture.compiled, routes, {
    solver: 'alns',
    seed: 0,
    threads: 1,
    iterations: 0,
    elapsedMs: 0,
    bestFoundAtIteration: 0,
    bestFoundAtMs: 0,
    stopReason: 'no-work',
    initialCost: 0,
  });
}

export function violationsOf(
  fixture: PlanFixture,
  routes: readonly (readonly number[])[],
): Violation[] {
  return checkSolution(fixture.problem, solutionOf(fixture, routes), fixture.compiled.travel);
}

/** Appointment index → vehicle, for comparing which visits are served. */
export function servedSet(plan: RoutePlan): number[] {
  return Array.from(plan.vehicleOf, (v) => (v >= 0 ? 1 : 0));
}
