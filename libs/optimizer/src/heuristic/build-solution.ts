import { DEFAULT_CHANGED_ASSIGNMENT_COST, DEFAULT_PREFERENCE_VIOLATION_COST } from '../model';

import { UNBOUNDED_TIME } from './solver-context';

import type {
  CompiledProblem,
  Itinerary,
  ObjectiveBreakdown,
  Solution,
  SolverStatistics,
  Stop,
  UnservedAppointment,
} from '../model';

/**
 * Turns per-vehicle task sequences into the public `Solution`. Each shift departs at the earliest time that still
 * achieves its minimum duration (no avoidable waiting) and then starts every visit as early as possible.
 * All figures are recomputed here from the travel matrices, so they match what the checker recomputes.
 */
export function buildSolution(
  compiled: CompiledProblem,
  routes: readonly (readonly number[])[],
  statistics: Omit<SolverStatistics, 'initialCost'> & { initialCost: number },
): Solution {
  const c = compiled;
  const L = c.locationCount;
  const served = new Uint8Array(c.appointmentCount);
  const itineraries: Itinerary[] = [];
  let travelSeconds = 0;
  let travelMeters = 0;
  let overtimeSeconds = 0;
  let weightedCost = 0;
  let preferenceViolations = 0;
  let changedAssignments = 0;
  let servedPriority = 0;

  for (let v = 0; v < c.vehicleCount; v++) {
    const tasks = routes[v] ?? [];
    const startLoc = c.vehicleStartLocation[v];
    const endLoc = c.vehicleEndLocation[v];
    const departure =
      tasks.length === 0
        ? c.vehicleShiftStart[v]
        : earliestDepartureWithMinimumDuration(c, v, tasks);
    let clock = departure;
    let place = startLoc;
    let load = 0;
    let serviceSeconds = 0;
    let waitSeconds = 0;
    let routeSeconds = 0;
    let routeMeters = 0;
    const stops: Stop[] = [];
    for (const t of tasks) {
      const a = c.taskAppointment[t];
      const loc = c.appointmentLocation[a];
      const legSeconds = c.travelSeconds[place * L + loc];
      const legMeters = c.travelMeters[place * L + loc];
      const arrival = clock + legSeconds;
      const start = Math.max(arrival, c.taskReady[t]);
      const end = start + c.appointmentDuration[a];
      stops.push({
        appointmentId: c.appointmentIds[a],
        location: c.locationSource[loc],
        arrival,
        wait: start - arrival,
        start,
        end,
        travelSecondsFromPrevious: legSeconds,
        travelMetersFromPrevious: legMeters,
      });
      served[a] = 1;
      servedPriority += c.appointmentPriority[a];
      load += c.appointmentLoad[a];
      serviceSeconds += c.appointmentDuration[a];
      waitSeconds += start - arrival;
      routeSeconds += legSeconds;
      routeMeters += legMeters;
      preferenceViolations += c.preferenceViolation[v * c.appointmentCount + a];
      changedAssignments += c.changedAssignment[v * c.appointmentCount + a];
      clock = end;
      place = loc;
    }
    const backSeconds = tasks.length === 0 ? 0 : c.travelSeconds[place * L + endLoc];
    const backMeters = tasks.length === 0 ? 0 : c.travelMeters[place * L + endLoc];
    routeSeconds += backSeconds;
    routeMeters += backMeters;
    const returnArrival = tasks.length === 0 ? departure : clock + backSeconds;
    const workingSeconds = returnArrival - departure;
    const overtime = Math.max(0, workingSeconds - c.vehicleRegularWorking[v]);
    travelSeconds += routeSeconds;
    travelMeters += routeMeters;
    overtimeSeconds += overtime;
    weightedCost += routeSeconds * c.vehicleTravelWeight[v] + overtime * c.vehicleOvertimeWeight[v];
    itineraries.push({
      providerId: c.providerIds[c.vehicleProvider[v]],
      shiftIndex: c.vehicleShift[v],
      departure,
      returnArrival,
      stops,
      travelSecondsToEnd: backSeconds,
      travelMetersToEnd: backMeters,
      totals: {
        visits: tasks.length,
        load,
        travelSeconds: routeSeconds,
        travelMeters: routeMeters,
        serviceSeconds,
        waitSeconds,
        workingSeconds,
        overtimeSeconds: overtime,
      },
    });
  }

  const unserved: UnservedAppointment[] = [];
  let unservedPriority = 0;
  for (let a = 0; a < c.appointmentCount; a++) {
    if (served[a]) continue;
    unserved.push({
      appointmentId: c.appointmentIds[a],
      reason: c.appointmentInfeasibleReason[a] ?? 'NO_ROOM_IN_PLAN',
    });
    unservedPriority += c.appointmentPriority[a];
  }
  const settings = c.problem.objective;
  const cost =
    c.mode === 'distance'
      ? travelMeters
      : weightedCost +
        preferenceViolations *
          (settings?.preferenceViolationCost ?? DEFAULT_PREFERENCE_VIOLATION_COST) +
        changedAssignments * (settings?.changedAssignmentCost ?? DEFAULT_CHANGED_ASSIGNMENT_COST);
  const objective: ObjectiveBreakdown = {
    mode: c.mode,
    servedCount: c.appointmentCount - unserved.length,
    unservedCount: unserved.length,
    servedPriority,
    unservedPriority,
    travelSeconds,
    travelMeters,
    overtimeSeconds,
    preferenceViolations,
    changedAssignments,
    cost,
  };
  return { itineraries, unserved, objective, statistics };
}

/** E of the whole route in the concatenation algebra (see `Route`): the earliest departure with minimum duration. */
function earliestDepartureWithMinimumDuration(
  c: CompiledProblem,
  v: number,
  tasks: readonly number[],
): number {
  const L = c.locationCount;
  let d = 0;
  let e = c.vehicleShiftStart[v];
  let l = c.vehicleShiftEnd[v];
  let prev = c.vehicleStartLocation[v];
  const clamp = (x: number) => Math.max(-UNBOUNDED_TIME, Math.min(UNBOUNDED_TIME, x));
  for (const t of tasks) {
    const a = c.taskAppointment[t];
    const loc = c.appointmentLocation[a];
    const tt = c.travelSeconds[prev * L + loc];
    const delta = d + tt;
    const ready = clamp(c.taskReady[t]);
    const wait = Math.max(ready - delta - l, 0);
    d = d + c.appointmentDuration[a] + tt + wait;
    e = Math.max(ready - delta, e) - wait;
    l = Math.min(clamp(c.taskDue[t]) - delta, l);
    prev = loc;
  }
  return e;
}
