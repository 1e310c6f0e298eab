/**
 * The home-visit route Lagrangian alone, on a plan built with a fixed number of heuristic iterations
 * (deterministic given the seed): `SCENARIOS=home-2000 ROUTE_BOUND_MS=30000 npm run bench:route-bound`
 * (`ROUTE_BOUND_THREADS=2` prices the shifts on two threads).
 * Prints the bound, the plan's travel, the gap and the iterations; no assertions.
 */
import { checkSolution } from '../src/checker';
import { homeVisitRouteBound } from '../src/exact/home-visit-route-bound';
import { solveSync } from '../src/heuristic';
import { compileProblem } from '../src/model';
import { STANDARD_SCENARIOS } from '../src/scenarios';

const ONLY = (process.env['SCENARIOS'] ?? 'home-2000').split(',');
const BUDGET_MS = Number(process.env['ROUTE_BOUND_MS'] ?? 30_000);
const THREADS = Number(process.env['ROUTE_BOUND_THREADS'] ?? 1);
const PLAN_ITERATIONS = Number(process.env['PLAN_ITERATIONS'] ?? 2_000);
const MAX_ITERATIONS = process.env['MAX_ITERATIONS']
  ? Number(process.env['MAX_ITERATIONS'])
  : undefined;

async function main(): Promise<void> {
  for (const scenario of STANDARD_SCENARIOS) {
    if (!ONLY.includes(scenario.name)) continue;
    const problem = scenario.build();
    const plan = solveSync(problem, { maxIterations: PLAN_ITERATIONS, seed: 1 });
    const violations = checkSolution(problem, plan).length;
    const compiled = compileProblem(problem);
    const result = await homeVisitRouteBound(compiled, plan.objective.servedPriority, {
      timeLimitMs: BUDGET_MS,
      warmStart: plan,
      threads: THREADS,
      ...(MAX_ITERATIONS === undefined ? {} : { maxIterations: MAX_ITERATIONS }),
    });
    const travel = plan.objective.travelSeconds;
    const best = result.history.reduce(
      (acc, value, index) => (value > acc.value ? { value, index } : acc),
      { value: -Infinity, index: -1 },
    );
    console.log(
      `${scenario.name.padEnd(10)} plan ${(travel / 3600).toFixed(1)} h (checker ${violations === 0 ? 'ok' : `${violations} viol`}), bound ${(result.bound / 3600).toFixed(2)} h, gap ${((100 * (travel - result.bound)) / travel).toFixed(1)} %, ${result.iterations} it (best at ${best.index}), ${result.timeMs.toFixed(0)} ms`,
    );
    console.log(
      `  history h: ${result.history.map((value) => (value / 3600).toFixed(1)).join(' ')}`,
    );
  }
}

void main();
