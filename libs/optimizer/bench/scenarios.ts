/**
 * Practice scenarios from the seeded generator: time, share served, travel and,
 * where a bound exists, the gap to it; then the three targets of issue 3.
 * `npm run bench:scenarios` — prints tables; no assertions. Single-threaded unless THREADS is set.
 */
import { checkSolution } from '../src/checker';
import { solveClinicExact } from '../src/exact/clinic-exact';
import { solve, solveSync } from '../src/heuristic';
import { replan } from '../src/replan';
import { STANDARD_SCENARIOS } from '../src/scenarios';

import type { Problem, Solution } from '../src/model';

const TIME_LIMITS_MS: Readonly<Record<string, number>> = {
  'clinic-week': 1_000,
  'home-100': 2_000,
  'home-500': 5_000,
  'home-1000': 10_000,
  'home-2000': 30_000,
  'home-5000': 60_000,
};
const THREADS = Number(process.env['THREADS'] ?? 1);
const ONLY = process.env['SCENARIOS']?.split(',');

function pad(value: string | number, width: number): string {
  return String(value).padStart(width);
}

function share(solution: Solution): string {
  const total = solution.objective.servedCount + solution.objective.unservedCount;
  return `${((100 * solution.objective.servedCount) / Math.max(1, total)).toFixed(1)}%`;
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function main(): Promise<void> {
  console.log(`Scenarios (threads ${THREADS}; heuristic time limit per scenario as listed)`);
  console.log(
    `${'scenario'.padEnd(12)} ${pad('appts', 6)} ${pad('prov', 5)} ${pad('limit', 7)} ${pad('first plan', 10)} ${pad('time', 8)} ${pad('served', 7)} ${pad('prio', 9)} ${pad('travel h', 9)} ${pad('km', 8)} ${pad('overtime h', 10)} ${pad('cost', 11)} ${pad('checker', 7)}  bound`,
  );
  const results = new Map<
    string,
    { problem: Problem; solution: Solution; firstPlanMs: number; ms: number }
  >();
  for (const scenario of STANDARD_SCENARIOS) {
    if (ONLY && !ONLY.includes(scenario.name)) continue;
    const problem = scenario.build();
    const limit = TIME_LIMITS_MS[scenario.name] ?? 5_000;
    // "Feasible plan" time: construction only (no improvement iterations).
    const first = await timed(() => solveSync(problem, { maxIterations: 0, seed: 1 }));
    const full = await timed(() =>
      solve(problem, { timeLimitMs: limit, seed: 1, threads: THREADS }),
    );
    const solution = full.value;
    const violations = checkSolution(problem, solution);
    results.set(scenario.name, { problem, solution, firstPlanMs: first.ms, ms: full.ms });
    let bound = 'none available';
    if (scenario.kind === 'clinic-week') {
      const exact = await solveClinicExact(problem, {
        timeLimitMs: 10_000,
        servedFloor: solution.objective.servedPriority,
      });
      const servedBound = exact.servedPriorityBound;
      const costBound = exact.costBound;
      const costGap =
        costBound === undefined
          ? '—'
          : `${((100 * (solution.objective.cost - costBound)) / Math.max(1, solution.objective.cost)).toFixed(2)}%`;
      bound = `served prio ≤ ${servedBound?.toFixed(0) ?? '?'}; cost ≥ ${costBound?.toFixed(0) ?? '?'} (gap ${costGap}; exact ${exact.status}, ${exact.timeMs.toFixed(0)} ms)`;
    }
    console.log(
      `${scenario.name.padEnd(12)} ${pad(scenario.appointments, 6)} ${pad(scenario.providers, 5)} ${pad(`${limit / 1000}s`, 7)} ${pad(`${first.ms.toFixed(0)}ms`, 10)} ${pad(`${full.ms.toFixed(0)}ms`, 8)} ${pad(share(solution), 7)} ${pad(solution.objective.servedPriority.toFixed(0), 9)} ${pad((solution.objective.travelSeconds / 3600).toFixed(1), 9)} ${pad((solution.objective.travelMeters / 1000).toFixed(0), 8)} ${pad((solution.objective.overtimeSeconds / 3600).toFixed(1), 10)} ${pad(solution.objective.cost.toFixed(0), 11)} ${pad(violations.length === 0 ? 'ok' : `${violations.length} viol`, 7)}  ${bound}`,
    );
  }

  console.log('\nTargets');
  const big = results.get('home-2000');
  if (big) {
    console.log(
      `- 2,000 appointments / 100 providers, feasible plan ≤ 30 s: construction ${(big.firstPlanMs / 1000).toFixed(1)} s, improved plan at ${(big.ms / 1000).toFixed(1)} s, checker ${checkSolution(big.problem, big.solution).length === 0 ? 'ok' : 'VIOLATIONS'} → ${big.firstPlanMs <= 30_000 ? 'met' : 'NOT met'}`,
    );
  }
  const week = results.get('clinic-week');
  if (week) {
    const oneSecond = await solveClinicExact(week.problem, {
      timeLimitMs: 1_000,
      servedFloor: week.solution.objective.servedPriority,
    });
    const costGap =
      oneSecond.costBound === undefined
        ? undefined
        : (week.solution.objective.cost - oneSecond.costBound) /
          Math.max(1, week.solution.objective.cost);
    console.log(
      `- clinic week optimal or proven gap ≤ 1 s: exact model (1 s limit) ${oneSecond.status} in ${oneSecond.timeMs.toFixed(0)} ms; served-priority bound ${oneSecond.servedPriorityBound?.toFixed(0) ?? '—'} vs heuristic ${week.solution.objective.servedPriority}; cost bound ${oneSecond.costBound?.toFixed(0) ?? '—'} vs heuristic ${week.solution.objective.cost.toFixed(0)}${costGap === undefined ? '' : ` (gap ${(100 * costGap).toFixed(2)}%)`}`,
    );
    // Re-plan: one provider of twelve calls out at 10:00 on Monday.
    const tenAm = 10 * 3600;
    const callOut = week.solution.itineraries.find(
      (itinerary) =>
        itinerary.shiftIndex === 0 && itinerary.stops.some((stop) => stop.start >= tenAm),
    );
    if (callOut) {
      const replanned = await timed(() =>
        replan(
          {
            problem: week.problem,
            plan: week.solution,
            changes: [
              { kind: 'provider-unavailable', providerId: callOut.providerId, from: tenAm },
            ],
            freezeTime: tenAm,
          },
          { timeLimitMs: 1_500, seed: 1 },
        ),
      );
      const result = replanned.value;
      console.log(
        `- re-plan after ${callOut.providerId} calls out at Mon 10:00 ≤ 2 s: ${replanned.ms.toFixed(0)} ms, ${result.changedAssignments.length} changed assignments, ${result.noLongerServed.length} no longer served, checker ${checkSolution(result.problem, result.solution).length === 0 ? 'ok' : 'VIOLATIONS'} → ${replanned.ms <= 2_000 ? 'met' : 'NOT met'}`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
