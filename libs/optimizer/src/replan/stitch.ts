import { buildSolution } from '../heuristic/build-solution';
import { RoutePlan } from '../heuristic/route-plan';
import { SolverContext } from '../heuristic/solver-context';
import { compileProblem } from '../model';

import { shiftKey } from './residual-problem';

import type { CompiledProblem, Solution, SolverStatistics } from '../model';
import type { PreparedReplan } from './residual-problem';

/** Appointment ids per residual shift, in visit order; keyed by `shiftKey`. */
export type ResidualRoutes = ReadonlyMap<string, readonly string[]>;

export function residualRoutesOf(
  compiled: CompiledProblem,
  routes: readonly (readonly number[])[],
): ResidualRoutes {
  const result = new Map<string, string[]>();
  for (let v = 0; v < compiled.vehicleCount; v++) {
    const ids = (routes[v] ?? []).map((t) => compiled.appointmentIds[compiled.taskAppointment[t]]);
    result.set(
      shiftKey(compiled.providerIds[compiled.vehicleProvider[v]], compiled.vehicleShift[v]),
      ids,
    );
  }
  return result;
}

export function residualRoutesOfSolution(solution: Solution): ResidualRoutes {
  return new Map(
    solution.itineraries.map((i) => [
      shiftKey(i.providerId, i.shiftIndex),
      i.stops.map((s) => s.appointmentId),
    ]),
  );
}

/**
 * Frozen visits first, then the residual route, appended one by one with the O(1) feasibility check on the final
 * problem, which is what the checker sees; anything that does not fit there (e.g. a working-time cap measured across
 * the freeze) is left unserved rather than reported in an impossible itinerary.
 */
export function stitch(
  prepared: PreparedReplan,
  residual: ResidualRoutes,
  statistics: SolverStatistics,
): Solution {
  const compiled = compileProblem(prepared.finalProblem, prepared.travel);
  const plan = new RoutePlan(new SolverContext(compiled, 1));
  for (let v = 0; v < compiled.vehicleCount; v++) {
    const key = shiftKey(
      compiled.providerIds[compiled.vehicleProvider[v]],
      compiled.vehicleShift[v],
    );
    const ids = [
      ...(prepared.frozen.get(key)?.stops.map((s) => s.appointmentId) ?? []),
      ...(residual.get(key) ?? []),
    ];
    for (const id of ids) {
      const a = compiled.appointmentIndexById.get(id);
      if (a === undefined || !plan.canTake(v, a)) continue;
      const end = plan.routes[v].tasks.length;
      for (
        let t = compiled.appointmentFirstTask[a];
        t < compiled.appointmentFirstTask[a + 1];
        t++
      ) {
        if (plan.insertionDelta(v, t, end) < Infinity) {
          plan.insert(v, end + 1, t);
          break;
        }
      }
    }
  }
  return buildSolution(compiled, plan.snapshot(), statistics);
}
