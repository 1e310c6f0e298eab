/**
 * Exact vs heuristic on small instances (≤ 12 appointments, ≤ 3 providers), and
 * javascript-lp-solver vs HiGHS on the same exact models.
 * `npm run bench:exact` — prints tables; no assertions (a mismatch is reported, not thrown).
 */
import { checkSolution } from '../src/checker';
import {
  HighsBackend,
  LpSolverBackend,
  solveMip,
  type MipBackend,
  type MipModel,
  type MipResult,
} from '../src/exact';
import { buildRoutingMip } from '../src/exact/routing-mip';
import { solveSmallExact } from '../src/exact/small-exact';
import { solveSync } from '../src/heuristic';
import { compileProblem } from '../src/model';
import { generateTinyInstance } from '../src/scenarios';

const SIZES: readonly (readonly [number, number])[] = [
  [4, 1],
  [6, 1],
  [6, 2],
  [8, 2],
  [10, 2],
  [10, 3],
  [12, 3],
];
const SEEDS = [1, 2, 3];
const EXACT_TIME_LIMIT_MS = 30_000;
/**
 * Hard wall-clock limit per javascript-lp-solver run (the backend kills its worker thread there):
 * 42 models × 2 backends stay within a few minutes even when every lp-solver run hangs.
 */
const LP_SOLVER_LIMIT_MS = 3_000;

function pad(value: string | number, width: number): string {
  return String(value).padStart(width);
}

function describe(result: MipResult): string {
  const objective = result.objective === undefined ? '—' : result.objective.toFixed(2);
  return `${result.status.padEnd(11)} ${pad(objective, 11)} ${pad(result.timeMs.toFixed(0), 7)} ms`;
}

async function main(): Promise<void> {
  console.log('Exact (HiGHS, two-stage routing MIP) vs heuristic (ALNS, 2,000 iterations, seed 1)');
  console.log(
    `${'instance'.padEnd(16)} ${pad('binaries', 8)} ${pad('exact served', 12)} ${pad('exact cost', 11)} ${pad('status', 8)} ${pad('exact ms', 9)} ${pad('heur served', 11)} ${pad('heur cost', 11)} ${pad('heur ms', 8)}  verdict`,
  );
  let mismatches = 0;
  let compared = 0;
  const models: { name: string; served: MipModel; cost: MipModel }[] = [];
  for (const [appointments, providers] of SIZES) {
    for (const seed of SEEDS) {
      const name = `n${appointments}-p${providers}-s${seed}`;
      const problem = generateTinyInstance({ seed, appointments, providers });
      const exact = await solveSmallExact(problem, {
        backend: new HighsBackend(),
        timeLimitMs: EXACT_TIME_LIMIT_MS,
      });
      const started = performance.now();
      const heuristic = solveSync(problem, { maxIterations: 2000, seed: 1 });
      const heuristicMs = performance.now() - started;
      const routing = buildRoutingMip(compileProblem(problem));
      if (exact.servedPriority !== undefined)
        models.push({
          name,
          served: routing.servedModel,
          cost: routing.costModel(exact.servedPriority),
        });
      const violations = [
        ...(exact.solution ? checkSolution(problem, exact.solution) : []),
        ...checkSolution(problem, heuristic),
      ];
      let verdict: string;
      if (exact.status !== 'optimal' || !exact.solution) {
        verdict = `exact ${exact.status}`;
      } else {
        compared += 1;
        const sameServed =
          Math.abs(exact.solution.objective.servedPriority - heuristic.objective.servedPriority) <
          1e-6;
        const sameCost =
          Math.abs(exact.solution.objective.cost - heuristic.objective.cost) <=
          1e-6 * Math.max(1, exact.solution.objective.cost);
        const heuristicBetter =
          heuristic.objective.servedPriority > exact.solution.objective.servedPriority + 1e-6 ||
          (sameServed &&
            heuristic.objective.cost <
              exact.solution.objective.cost - 1e-6 * Math.max(1, exact.solution.objective.cost));
        verdict =
          sameServed && sameCost
            ? 'equal'
            : heuristicBetter
              ? 'MISMATCH (heuristic better: exact model bug)'
              : 'MISMATCH (heuristic worse)';
        if (!(sameServed && sameCost)) mismatches += 1;
      }
      if (violations.length > 0)
        verdict += ` CHECKER: ${violations.map((violation) => violation.code).join(',')}`;
      console.log(
        `${name.padEnd(16)} ${pad(routing.binaryCount, 8)} ${pad(exact.servedPriority ?? '—', 12)} ${pad(exact.cost?.toFixed(1) ?? '—', 11)} ${pad(exact.status, 8)} ${pad(exact.timeMs.toFixed(0), 9)} ${pad(heuristic.objective.servedPriority, 11)} ${pad(heuristic.objective.cost.toFixed(1), 11)} ${pad(heuristicMs.toFixed(0), 8)}  ${verdict}`,
      );
    }
  }
  console.log(
    `\n${compared} instances solved to optimality, ${mismatches} mismatches between heuristic and exact optimum.\n`,
  );

  console.log(
    `javascript-lp-solver vs HiGHS on the same models (limit ${LP_SOLVER_LIMIT_MS} ms each; stage 1 = max served priority, stage 2 = min cost)`,
  );
  console.log(
    `${'model'.padEnd(22)} ${pad('vars', 5)} ${pad('rows', 5)}  ${'HiGHS: status'.padEnd(11)} ${pad('objective', 11)} ${pad('time', 10)}   ${'lp-solver: status'.padEnd(11)} ${pad('objective', 11)} ${pad('time', 10)}  agree`,
  );
  const highs: MipBackend = new HighsBackend();
  const lpSolver: MipBackend = new LpSolverBackend();
  const tally = { models: 0, agree: 0, lpSolverOptimal: 0, lpSolverKilled: 0, highsOptimal: 0 };
  const totalMs = { highs: 0, lpSolver: 0 };
  for (const { name, served, cost } of models) {
    for (const [stage, model] of [
      ['1', served],
      ['2', cost],
    ] as const) {
      const fromHighs = await solveMip(highs, model, { timeLimitMs: LP_SOLVER_LIMIT_MS });
      const fromLpSolver = await solveMip(lpSolver, model, { timeLimitMs: LP_SOLVER_LIMIT_MS });
      const agree =
        fromHighs.objective !== undefined &&
        fromLpSolver.objective !== undefined &&
        Math.abs(fromHighs.objective - fromLpSolver.objective) <=
          1e-6 * Math.max(1, Math.abs(fromHighs.objective));
      // Killed runs say nothing, so they are not counted as disagreeing; a wrong status claim is.
      const verdict =
        fromLpSolver.status === 'time-limit'
          ? 'n/a'
          : agree
            ? 'yes'
            : `NO (lp-solver says ${fromLpSolver.status}, HiGHS ${fromHighs.status})`;
      tally.models += 1;
      if (agree) tally.agree += 1;
      if (fromLpSolver.status === 'optimal') tally.lpSolverOptimal += 1;
      if (fromLpSolver.status === 'time-limit') tally.lpSolverKilled += 1;
      if (fromHighs.status === 'optimal') tally.highsOptimal += 1;
      totalMs.highs += fromHighs.timeMs;
      totalMs.lpSolver += fromLpSolver.timeMs;
      console.log(
        `${`${name} stage ${stage}`.padEnd(22)} ${pad(model.variables.length, 5)} ${pad(model.constraints.length, 5)}  ${describe(fromHighs)}   ${describe(fromLpSolver)}  ${verdict}${fromLpSolver.message ? ` (${fromLpSolver.message.slice(0, 80)})` : ''}`,
      );
    }
  }
  console.log(
    `\n${tally.models} models: HiGHS optimal on ${tally.highsOptimal} (total ${(totalMs.highs / 1000).toFixed(1)} s); javascript-lp-solver optimal on ${tally.lpSolverOptimal}, killed at the ${LP_SOLVER_LIMIT_MS} ms limit on ${tally.lpSolverKilled} (total ${(totalMs.lpSolver / 1000).toFixed(1)} s); same objective on ${tally.agree}, a different answer on ${tally.models - tally.agree - tally.lpSolverKilled}.`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
