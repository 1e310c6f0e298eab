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
 * Turns "which tasks does each vehicle visit, in which order" (what an exact
 * model decides) into the library's `Solution`, with the schedule recomputed
 * from the travel matrix rather than read from MIP time variables: a MIP's
 * times are only feasible, not tight, and carry solver round-off.
 */

export interface VehicleRoute {
  readonly vehicle: number;
  /** Compiled task indices in visiting order. */
  readonly tasks: readonly number[];
}

export interface RouteSchedule {
  readonly departure: number;
  readonly arrivals: readonly number[];
  readonly starts: readonly number[];
  readonly returnArrival: number;
}

const EPS = 1e-6;

/**
 * Earliest starts, then the latest departure that keeps every window and the
 * return time: for a fixed order this gives the shortest working span
 * (departure delayed by δ only pushes stop k later once δ exceeds the waiting
 * accumulated up to k). Null when the order cannot be scheduled in the shift.
 */
export function minimalSpanSchedule(
  compiled: CompiledProblem,
  vehicle: number,
  tasks: readonly number[],
): RouteSchedule | null {
  const L = compiled.locationCount;
  const shiftStart = compiled.vehicleShiftStart[vehicle] ?? 0;
  const shiftEnd = compiled.vehicleShiftEnd[vehicle] ?? 0;
  if (tasks.length === 0)
    return { departure: shiftStart, arrivals: [], starts: [], returnArrival: shiftStart };

  const starts: number[] = [];
  const waits: number[] = [];
  let place = compiled.vehicleStartLocation[vehicle] ?? 0;
  let clock = shiftStart;
  for (const task of tasks) {
    const appointment = compiled.taskAppointment[task] ?? 0;
    const here = compiled.appointmentLocation[appointment] ?? 0;
    const arrival = clock + (compiled.travelSeconds[place * L + here] ?? 0);
    const start = Math.max(arrival, compiled.taskReady[task] ?? -Infinity);
    if (start > (compiled.taskDue[task] ?? Infinity) + EPS) return null;
    starts.push(start);
    waits.push(start - arrival);
    clock = start + (compiled.appointmentDuration[appointment] ?? 0);
    place = here;
  }
  const earliestReturn =
    clock + (compiled.travelSeconds[place * L + (compiled.vehicleEndLocation[vehicle] ?? 0)] ?? 0);
  if (earliestReturn > shiftEnd + EPS) return null;

  let delay = shiftEnd - earliestReturn + waits.reduce((sum, wait) => sum + wait, 0);
  let accumulatedWait = 0;
  tasks.forEach((task, position) => {
    accumulatedWait += waits[position] ?? 0;
    delay = Math.min(
      delay,
      accumulatedWait + (compiled.taskDue[task] ?? Infinity) - (starts[position] ?? 0),
    );
  });
  // Without waiting the whole route just slides; it must still leave at or after the shift start.
  delay = Math.max(0, Math.min(delay, accumulatedWait));

  const departure = shiftStart + delay;
  const arrivals: number[] = [];
  const shifted: number[] = [];
  place = compiled.vehicleStartLocation[vehicle] ?? 0;
  clock = departure;
  for (const task of tasks) {
    const appointment = compiled.taskAppointment[task] ?? 0;
    const here = compiled.appointmentLocation[appointment] ?? 0;
    const arrival = clock + (compiled.travelSeconds[place * L + here] ?? 0);
    const start = Math.max(arrival, compiled.taskReady[task] ?? -Infinity);
    arrivals.push(arrival);
    shifted.push(start);
    clock = start + (compiled.appointmentDuration[appointment] ?? 0);
    place = here;
  }
  const returnArrival =
    clock + (compiled.travelSeconds[place * L + (compiled.vehicleEndLocation[vehicle] ?? 0)] ?? 0);
  return { departure, arrivals, starts: shifted, returnArrival };
}

export function buildSolution(
  compiled: CompiledProblem,
  routes: readonly VehicleRoute[],
  statistics: SolverStatistics,
): Solution {
  const L = compiled.locationCount;
  const A = compiled.appointmentCount;
  const routeByVehicle = new Map(routes.map((route) => [route.vehicle, route]));
  const served = new Uint8Array(A);
  const itineraries: Itinerary[] = [];
  let travelSeconds = 0;
  let travelMeters = 0;
  let overtimeSeconds = 0;
  let cost = 0;
  let preferenceViolations = 0;
  let changedAssignments = 0;

  for (let vehicle = 0; vehicle < compiled.vehicleCount; vehicle += 1) {
    const providerId = compiled.providerIds[compiled.vehicleProvider[vehicle] ?? 0] ?? '';
    const shiftIndex = compiled.vehicleShift[vehicle] ?? 0;
    const tasks = routeByVehicle.get(vehicle)?.tasks ?? [];
    const schedule = minimalSpanSchedule(compiled, vehicle, tasks);
    if (schedule === null)
      throw new Error(`route of vehicle ${vehicle} (${providerId}) cannot be scheduled`);
    const stops: Stop[] = [];
    let place = compiled.vehicleStartLocation[vehicle] ?? 0;
    let routeSeconds = 0;
    let routeMeters = 0;
    let load = 0;
    let service = 0;
    let wait = 0;
    tasks.forEach((task, position) => {
      const appointment = compiled.taskAppointment[task] ?? 0;
      const here = compiled.appointmentLocation[appointment] ?? 0;
      const legSeconds = compiled.travelSeconds[place * L + here] ?? 0;
      const legMeters = compiled.travelMeters[place * L + here] ?? 0;
      const arrival = schedule.arrivals[position] ?? 0;
      const start = schedule.starts[position] ?? 0;
      const duration = compiled.appointmentDuration[appointment] ?? 0;
      stops.push({
        appointmentId: compiled.appointmentIds[appointment] ?? '',
        location: compiled.problem.appointments[appointment]?.location ?? -1,
        arrival,
        wait: start - arrival,
        start,
        end: start + duration,
        travelSecondsFromPrevious: legSeconds,
        travelMetersFromPrevious: legMeters,
      });
      served[appointment] = 1;
      routeSeconds += legSeconds;
      routeMeters += legMeters;
      load += compiled.appointmentLoad[appointment] ?? 0;
      service += duration;
      wait += start - arrival;
      cost +=
        compiled.mode === 'distance'
          ? 0
          : (compiled.assignmentPenalty[vehicle * A + appointment] ?? 0);
      preferenceViolations += compiled.preferenceViolation[vehicle * A + appointment] ?? 0;
      changedAssignments += compiled.changedAssignment[vehicle * A + appointment] ?? 0;
      place = here;
    });
    const end = compiled.vehicleEndLocation[vehicle] ?? 0;
    const backSeconds = tasks.length === 0 ? 0 : (compiled.travelSeconds[place * L + end] ?? 0);
    const backMeters = tasks.length === 0 ? 0 : (compiled.travelMeters[place * L + end] ?? 0);
    routeSeconds += backSeconds;
    routeMeters += backMeters;
    const working = schedule.returnArrival - schedule.departure;
    const overtime = Math.max(0, working - (compiled.vehicleRegularWorking[vehicle] ?? Infinity));
    travelSeconds += routeSeconds;
    travelMeters += routeMeters;
    overtimeSeconds += overtime;
    cost +=
      compiled.mode === 'distance'
        ? routeMeters
        : routeSeconds * (compiled.vehicleTravelWeight[vehicle] ?? 1) +
          overtime * (compiled.vehicleOvertimeWeight[vehicle] ?? 0);
    itineraries.push({
      providerId,
      shiftIndex,
      departure: schedule.departure,
      returnArrival: schedule.returnArrival,
      stops,
      travelSecondsToEnd: backSeconds,
      travelMetersToEnd: backMeters,
      totals: {
        visits: stops.length,
        load,
        travelSeconds: routeSeconds,
        travelMeters: routeMeters,
        serviceSeconds: service,
        waitSeconds: wait,
        workingSeconds: working,
        overtimeSeconds: overtime,
      },
    });
  }

  const unserved: UnservedAppointment[] = [];
  let servedPriority = 0;
  let unservedPriority = 0;
  for (let appointment = 0; appointment < A; appointment += 1) {
    const priority = compiled.appointmentPriority[appointment] ?? 1;
    if (served[appointment] === 1) {
      servedPriority += priority;
    } else {
      unservedPriority += priority;
      unserved.push({
        appointmentId: compiled.appointmentIds[appointment] ?? '',
        reason: compiled.appointmentInfeasibleReason[appointment] ?? 'NO_ROOM_IN_PLAN',
      });
    }
  }
  const objective: ObjectiveBreakdown = {
    mode: compiled.mode,
    servedCount: A - unserved.length,
    unservedCount: unserved.length,
    servedPriority,
    unservedPriority,
    travelSeconds,
    travelMeters,
    overtimeSeconds,
    preferenceViolations: compiled.mode === 'distance' ? 0 : preferenceViolations,
    changedAssignments: compiled.mode === 'distance' ? 0 : changedAssignments,
    cost,
  };
  return { itineraries, unserved, objective, statistics };
}
