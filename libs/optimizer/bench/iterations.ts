/**
 * ALNS iterations per second on generated home-visit days:
 * `npm run bench:iterations -- [--sizes 100,1000,5000] [--budget-ms 10000] [--seed 1]`.
 * One thread. After a warm-up run, the construction (with its first local search) is timed by a run with no
 * iterations and the solver then gets construction time + budget, so the rate is iterations / (elapsed −
 * construction). Every plan goes through the checker.
 */
import { checkSolution } from '../src/checker';
import { solveSync } from '../src/heuristic';
import { STANDARD_SCENARIOS } from '../src/scenarios';

import { argument } from './bench-common';

function main(): void {
  const sizes = (argument('sizes') ?? '100,1000,5000').split(',').map(Number);
  const budgetMs = Number(argument('budget-ms') ?? 10_000);
  const seed = Number(argument('seed') ?? 1);
  console.log(
    `ALNS iterations per second, 1 thread, improvement budget ${budgetMs} ms, seed ${seed}`,
  );
  for (const size of sizes) {
    const scenario = STANDARD_SCENARIOS.find((s) => s.name === `home-${size}`);
    if (!scenario) throw new Error(`no scenario home-${size}`);
    const problem = scenario.build();
    // The first run compiles the hot code (JIT); the second times construction + initial descent alone.
    solveSync(problem, { maxIterations: 0, seed });
    const construction = solveSync(problem, { maxIterations: 0, seed });
    const constructionMs = construction.statistics.elapsedMs;
    const solution = solveSync(problem, { timeLimitMs: constructionMs + budgetMs, seed });
    const violations = checkSolution(problem, solution);
    const searchMs = Math.max(1, solution.statistics.elapsedMs - constructionMs);
    const rate = (1000 * solution.statistics.iterations) / searchMs;
    console.log(
      `home-${String(size).padEnd(5)} visits ${String(size).padStart(5)}  providers ${String(scenario.providers).padStart(4)}  construction ${Math.round(constructionMs).toString().padStart(6)} ms  iterations ${String(solution.statistics.iterations).padStart(7)} in ${Math.round(searchMs)} ms  = ${rate.toFixed(0).padStart(6)} it/s  served ${solution.objective.servedCount}  cost ${solution.objective.cost.toFixed(0)}  checker ${violations.length === 0 ? 'ok' : `${violations.length} VIOLATIONS`}`,
    );
    if (violations.length > 0) process.exitCode = 1;
  }
}

main();
