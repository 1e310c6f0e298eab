/**
 * Practice scenarios from the seeded generator: time, share served, travel and,
 * where a bound exists, the gap to it; then the three targets of issue 3.
 * `npm run bench:scenarios` — prints tables; no assertions. Single-threaded unless THREADS (the heuristic) or
 * ROUTE_BOUND_THREADS (the home days' route Lagrangian) is set.
 */
import { checkSolution } from '../src/checker';
import { ClinicBounds, homeVisitBounds, solveClinicBounded } from '../src/exact';
import { solve, solveSync } from '../src/heuristic';
import { compileProblem, type Problem, type Solution } from '../src/model';
import { replan } from '../src/replan';
import { STANDARD_SCENARIOS } from '../src/scenarios';

const TIME_LIMITS_MS: Readonly<Record<string, number>> = {
  'clinic-week': 1_000,
  'home-100': 2_000,
  'home-500': 5_000,
  'home-1000': 10_000,
  'home-2000': 30_000,
  'home-5000': 60_000,
};
/** Budget of the route Lagrangian (column generation) per home scenario; 0 skips it. */
const ROUTE_BOUND_MS: Readonly<Record<string, number>> = {
  'home-100': 10_000,
  'home-500': 20_000,
  'home-1000': 30_000,
  'home-2000': 30_000,
  'home-5000': 0,
};
/** Extra time for the clinic week's restricted-master MIP (price-and-branch). */
const RESTRICTED_MASTER_MS = Number(process.env['RESTRICTED_MASTER_MS'] ?? 20_000);
const THREADS = Number(process.env['THREADS'] ?? 1);
/** Threads pricing the route Lagrangian of home days (`ROUTE_BOUND_THREADS`, default 1). */
const ROUTE_BOUND_THREADS = Number(process.env['ROUTE_BOUND_THREADS'] ?? 1);
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
  console.log(
    `Scenarios (threads ${THREADS}, route bound threads ${ROUTE_BOUND_THREADS}; heuristic time limit per scenario as listed)`,
  );
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
      // Column-generation bounds warm-started with this plan, run to convergence (the 1 s figure is below).
      const bounds = new ClinicBounds(compileProblem(problem));
      const served = await bounds.servedPriorityBound({ warmStart: solution });
      const costing = await bounds.costBound(solution.objective.servedPriority, {
        warmStart: solution,
      });
      const gapOf = (cost: number): string =>
        ((100 * (cost - costing.bound)) / Math.max(1, cost)).toFixed(2);
      bound = `served prio ≤ ${served.bound.toFixed(2)}; cost ≥ ${costing.bound.toFixed(0)} for plans serving ≥ ${solution.objective.servedPriority} (gap ${gapOf(solution.objective.cost)}%) [${(served.timeMs + costing.timeMs).toFixed(0)} ms]`;
      if (RESTRICTED_MASTER_MS > 0) {
        const started = performance.now();
        const master = await bounds.restrictedMasterPlan(solution.objective.servedPriority, {
          timeLimitMs: RESTRICTED_MASTER_MS,
        });
        const ms = performance.now() - started;
        bound +=
          master === undefined
            ? `; restricted master: no plan [${ms.toFixed(0)} ms]`
            : `; restricted master plan prio ${master.objective.servedPriority}, cost ${master.objective.cost.toFixed(0)}, checker ${checkSolution(problem, master).length === 0 ? 'ok' : 'VIOLATIONS'} (gap ${gapOf(Math.min(master.objective.cost, solution.objective.cost))}% with the better plan) [${ms.toFixed(0)} ms]`;
      }
    } else {
      const routeBoundMs = ROUTE_BOUND_MS[scenario.name] ?? 0;
      const bounds = await homeVisitBounds(
        compileProblem(problem),
        solution.objective.servedPriority,
        { routeBoundMs, warmStart: solution, routeBoundThreads: ROUTE_BOUND_THREADS },
      );
      const servedGap =
        bounds.servedPriorityBound === undefined
          ? '—'
          : `${((100 * (bounds.servedPriorityBound - solution.objective.servedPriority)) / bounds.servedPriorityBound).toFixed(1)}%`;
      const travelGapOf = (bound: number): string =>
        (
          (100 * (solution.objective.travelSeconds - bound)) /
          Math.max(1, solution.objective.travelSeconds)
        ).toFixed(1);
      const travelGap = travelGapOf(bounds.travelSecondsBound);
      const route = bounds.route
        ? ` (nearest-inbound ${(bounds.nearestTravelSecondsBound / 3600).toFixed(1)} h, gap ${travelGapOf(bounds.nearestTravelSecondsBound)}%; route Lagrangian ${(bounds.route.bound / 3600).toFixed(1)} h after ${bounds.route.iterations} it${bounds.route.converged ? ', converged' : ''}, setup ${bounds.route.setupMs.toFixed(0)} ms, ${bounds.route.timeMs.toFixed(0)} ms)`
        : '';
      bound = `demand ${(100 * bounds.demandRatio).toFixed(0)}% of shift time (${(100 * bounds.demandWithTravelRatio).toFixed(0)}% with nearest inbound travel); served prio ≤ ${bounds.servedPriorityBound?.toFixed(0) ?? '?'} (gap ${servedGap}); travel ≥ ${(bounds.travelSecondsBound / 3600).toFixed(1)} h (gap ${travelGap}%)${route} [${bounds.timeMs.toFixed(0)} ms]`;
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
    const bounded = await solveClinicBounded(week.problem, { timeLimitMs: 1_000 });
    const checked =
      checkSolution(week.problem, bounded.solution).length === 0 ? 'ok' : 'VIOLATIONS';
    console.log(
      `- clinic week optimal or proven gap ≤ 1 s: ${bounded.timeMs.toFixed(0)} ms (heuristic ${bounded.heuristicMs.toFixed(0)} ms, served bound ${bounded.served.timeMs.toFixed(0)} ms / ${bounded.served.iterations} it${bounded.served.converged ? ', converged' : ''}, cost bound ${bounded.costing.timeMs.toFixed(0)} ms / ${bounded.costing.iterations} it${bounded.costing.converged ? ', converged' : ''}); checker ${checked}`,
    );
    console.log(
      `    served priority ${bounded.servedPriority} ≤ bound ${bounded.servedPriorityBound.toFixed(2)} → ${bounded.servedOptimal ? 'proven optimal' : `gap ${(bounded.servedPriorityBound - bounded.servedPriority).toFixed(2)}`}; cost ${bounded.cost.toFixed(0)} ≥ bound ${bounded.costBound.toFixed(0)} → gap ${(100 * bounded.costGap).toFixed(2)}% (cost bound holds for every plan serving ≥ ${bounded.servedPriority})`,
    );
    if (RESTRICTED_MASTER_MS > 0) {
      const priced = await solveClinicBounded(week.problem, {
        timeLimitMs: 1_000,
        restrictedMasterMs: RESTRICTED_MASTER_MS,
      });
      console.log(
        `- clinic week, 1 s + restricted-master MIP ≤ ${RESTRICTED_MASTER_MS / 1000} s: ${priced.timeMs.toFixed(0)} ms (MIP ${priced.restrictedMasterMs.toFixed(0)} ms, its plan ${priced.fromRestrictedMaster ? 'kept' : 'not better'}); served priority ${priced.servedPriority} ≤ ${priced.servedPriorityBound.toFixed(2)}; cost ${priced.cost.toFixed(0)} ≥ bound ${priced.costBound.toFixed(0)} → gap ${(100 * priced.costGap).toFixed(2)}%; checker ${checkSolution(week.problem, priced.solution).length === 0 ? 'ok' : 'VIOLATIONS'}`,
      );
    }
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
              // Out for the rest of Monday: a sick day, not the rest of the week.
              {
                kind: 'provider-unavailable',
                providerId: callOut.providerId,
                from: tenAm,
                until: 24 * 3600,
              },
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
