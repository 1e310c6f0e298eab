import {
  createTravelTimeProvider,
  DEFAULT_CHANGED_ASSIGNMENT_COST,
  DEFAULT_OVERTIME_SECOND_WEIGHT,
  DEFAULT_PREFERENCE_VIOLATION_COST,
  DEFAULT_TRAVEL_SECOND_WEIGHT,
  fitsBefore,
  fitsCapacity,
} from '../model';

import { expectedUnservedReason, isAllowed, startWindows } from './unserved-reason';

import type { Appointment, Problem, Provider, Solution, TravelTimeProvider } from '../model';
import type { Violation } from './violation';

/**
 * Whether a figure the solver reports equals ours (absolute+relative: solvers add travel times in a different order).
 * Only for consistency of reported figures; every feasibility limit goes through the shared `fitsBefore` /
 * `fitsCapacity`, so the checker accepts exactly what the compiler and the solvers consider feasible.
 */
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Independent feasibility check: recomputes every itinerary from the problem and the travel provider and reports
 * everything wrong with the solution. Shares no code with any solver. An empty list means the plan is valid.
 */
export function checkSolution(
  problem: Problem,
  solution: Solution,
  travel: TravelTimeProvider = createTravelTimeProvider(problem),
): Violation[] {
  const violations: Violation[] = [];
  const report = (v: Violation) => violations.push(v);
  const providers = new Map(problem.providers.map((p) => [p.id, p]));
  const appointments = new Map(problem.appointments.map((a) => [a.id, a]));
  const servedBy = new Map<string, string>();
  const seenShifts = new Set<string>();
  const mode = problem.objective?.mode ?? 'practice';
  let travelSeconds = 0;
  let travelMeters = 0;
  let overtimeSeconds = 0;
  let weightedCost = 0;
  let preferenceViolations = 0;
  let changedAssignments = 0;

  for (const itinerary of solution.itineraries) {
    const provider = providers.get(itinerary.providerId);
    if (!provider) {
      report({
        code: 'UNKNOWN_PROVIDER',
        message: `itinerary of unknown provider`,
        providerId: itinerary.providerId,
      });
      continue;
    }
    const shift = provider.availability.at(itinerary.shiftIndex);
    if (itinerary.shiftIndex < 0 || !shift) {
      report({
        code: 'UNKNOWN_SHIFT',
        message: `shift ${itinerary.shiftIndex} does not exist`,
        providerId: provider.id,
      });
      continue;
    }
    const shiftKey = `${provider.id}#${itinerary.shiftIndex}`;
    if (seenShifts.has(shiftKey))
      report({
        code: 'DUPLICATE_SHIFT',
        message: `shift ${shiftKey} listed twice`,
        providerId: provider.id,
      });
    seenShifts.add(shiftKey);
    if (itinerary.stops.length === 0) continue;

    if (!fitsBefore(shift.start, itinerary.departure))
      report({
        code: 'BEFORE_AVAILABILITY',
        message: `departs ${itinerary.departure} before ${shift.start}`,
        providerId: provider.id,
      });
    let clock = itinerary.departure;
    let place = shift.startLocation ?? provider.startLocation;
    let load = 0;
    let routeSeconds = 0;
    let routeMeters = 0;
    const clinicOfBlock = new Map<number, string>();
    for (const stop of itinerary.stops) {
      const appointment = appointments.get(stop.appointmentId);
      if (!appointment) {
        report({
          code: 'UNKNOWN_APPOINTMENT',
          message: `unknown appointment ${stop.appointmentId}`,
          providerId: provider.id,
        });
        continue;
      }
      const ids = { appointmentId: appointment.id, providerId: provider.id };
      if (servedBy.has(appointment.id))
        report({ code: 'SERVED_TWICE', message: 'served more than once', ...ids });
      servedBy.set(appointment.id, provider.id);
      if (stop.location !== appointment.location)
        report({ code: 'WRONG_LOCATION', message: `stop at ${stop.location}`, ...ids });
      checkProviderFit(provider, appointment, report);

      const legSeconds = travel.seconds(place, appointment.location);
      const legMeters = travel.meters(place, appointment.location);
      routeSeconds += legSeconds;
      routeMeters += legMeters;
      const arrival = clock + legSeconds;
      if (
        !close(stop.arrival, arrival) ||
        !close(stop.travelSecondsFromPrevious, legSeconds) ||
        !close(stop.travelMetersFromPrevious, legMeters)
      )
        report({
          code: 'INCONSISTENT_TIMES',
          message: `arrival ${stop.arrival} ≠ ${arrival} or travel mismatch`,
          ...ids,
        });
      if (
        !fitsBefore(arrival, stop.start) ||
        !close(stop.wait, stop.start - stop.arrival) ||
        !close(stop.end, stop.start + appointment.durationSeconds)
      )
        report({
          code: 'INCONSISTENT_TIMES',
          message: `start ${stop.start}/end ${stop.end}/wait ${stop.wait} inconsistent`,
          ...ids,
        });
      checkStartWindow(problem, appointment, stop.start, report, ids);
      const block = blockOf(problem, stop.start);
      if (appointment.clinicId !== undefined && block >= 0) {
        const other = clinicOfBlock.get(block);
        if (other !== undefined && other !== appointment.clinicId)
          report({
            code: 'CLINIC_BLOCK',
            message: `clinics ${other} and ${appointment.clinicId} in block ${block}`,
            ...ids,
          });
        clinicOfBlock.set(block, appointment.clinicId);
      }
      load += appointment.load ?? 0;
      clock = Math.max(arrival, stop.start) + appointment.durationSeconds;
      place = appointment.location;
      if (mode === 'practice') {
        if (
          appointment.preferredProviders?.length &&
          !appointment.preferredProviders.includes(provider.id)
        )
          preferenceViolations++;
        const previous = problem.previousAssignments?.[appointment.id];
        if (previous !== undefined && previous !== provider.id) changedAssignments++;
      }
    }
    const endLocation = shift.endLocation ?? provider.endLocation;
    const backSeconds = travel.seconds(place, endLocation);
    routeSeconds += backSeconds;
    routeMeters += travel.meters(place, endLocation);
    const returnArrival = clock + backSeconds;
    if (!close(itinerary.returnArrival, returnArrival))
      report({
        code: 'INCONSISTENT_TIMES',
        message: `return ${itinerary.returnArrival} ≠ ${returnArrival}`,
        providerId: provider.id,
      });
    if (!fitsBefore(returnArrival, shift.end))
      report({
        code: 'AFTER_AVAILABILITY',
        message: `returns ${returnArrival} after ${shift.end}`,
        providerId: provider.id,
      });
    const capacity = shift.capacity ?? provider.capacity ?? Infinity;
    const maxVisits = shift.maxVisits ?? provider.maxVisits ?? Infinity;
    if (!fitsCapacity(load, capacity))
      report({ code: 'CAPACITY', message: `load ${load} > ${capacity}`, providerId: provider.id });
    if (itinerary.stops.length > maxVisits)
      report({
        code: 'MAX_VISITS',
        message: `${itinerary.stops.length} visits > ${maxVisits}`,
        providerId: provider.id,
      });
    const working = returnArrival - itinerary.departure;
    if (!fitsBefore(working, shift.maxWorkingSeconds ?? provider.maxWorkingSeconds ?? Infinity))
      report({ code: 'MAX_WORKING_TIME', message: `works ${working}s`, providerId: provider.id });
    const overtime = Math.max(
      0,
      working - (shift.regularWorkingSeconds ?? provider.regularWorkingSeconds ?? Infinity),
    );
    travelSeconds += routeSeconds;
    travelMeters += routeMeters;
    overtimeSeconds += overtime;
    weightedCost +=
      routeSeconds * (provider.costWeights?.travelSecond ?? DEFAULT_TRAVEL_SECOND_WEIGHT) +
      overtime * (provider.costWeights?.overtimeSecond ?? DEFAULT_OVERTIME_SECOND_WEIGHT);
  }

  checkUnserved(problem, solution, servedBy, travel, report);

  const objective = solution.objective;
  const cost =
    mode === 'distance'
      ? travelMeters
      : weightedCost +
        preferenceViolations *
          (problem.objective?.preferenceViolationCost ?? DEFAULT_PREFERENCE_VIOLATION_COST) +
        changedAssignments *
          (problem.objective?.changedAssignmentCost ?? DEFAULT_CHANGED_ASSIGNMENT_COST);
  const servedPriority = [...servedBy.keys()].reduce(
    (sum, id) => sum + (appointments.get(id)?.priority ?? 1),
    0,
  );
  const expected: [string, number, number][] = [
    ['servedCount', servedBy.size, objective.servedCount],
    ['servedPriority', servedPriority, objective.servedPriority],
    ['travelSeconds', travelSeconds, objective.travelSeconds],
    ['travelMeters', travelMeters, objective.travelMeters],
    ['overtimeSeconds', overtimeSeconds, objective.overtimeSeconds],
    ['preferenceViolations', preferenceViolations, objective.preferenceViolations],
    ['changedAssignments', changedAssignments, objective.changedAssignments],
    ['cost', cost, objective.cost],
  ];
  for (const [name, recomputed, claimed] of expected) {
    if (!close(recomputed, claimed))
      report({
        code: 'OBJECTIVE_MISMATCH',
        message: `${name}: claimed ${claimed}, recomputed ${recomputed}`,
      });
  }
  return violations;
}

function checkProviderFit(
  provider: Provider,
  appointment: Appointment,
  report: (v: Violation) => void,
): void {
  const ids = { appointmentId: appointment.id, providerId: provider.id };
  const missing = (appointment.requiredCredentials ?? []).filter(
    (c) => !provider.credentials.includes(c),
  );
  if (missing.length > 0)
    report({ code: 'MISSING_CREDENTIAL', message: `lacks ${missing.join(', ')}`, ...ids });
  if (appointment.pinnedProvider !== undefined && appointment.pinnedProvider !== provider.id)
    report({ code: 'PIN_VIOLATED', message: `pinned to ${appointment.pinnedProvider}`, ...ids });
  else if (!isAllowed(provider, appointment))
    report({ code: 'PROVIDER_NOT_ALLOWED', message: 'required/excluded providers', ...ids });
}

function checkStartWindow(
  problem: Problem,
  appointment: Appointment,
  start: number,
  report: (v: Violation) => void,
  ids: { appointmentId: string; providerId: string },
): void {
  if (
    !startWindows(problem, appointment).some(
      (w) => fitsBefore(w.start, start) && fitsBefore(start, w.end),
    )
  ) {
    const code = appointment.clinicId !== undefined ? 'CLINIC_HOURS' : 'TIME_WINDOW';
    report({ code, message: `start ${start} outside every admissible window`, ...ids });
  }
}

function blockOf(problem: Problem, start: number): number {
  return (problem.clinicBlocks ?? []).findIndex(
    (b) => fitsBefore(b.start, start) && fitsBefore(start, b.end),
  );
}

function checkUnserved(
  problem: Problem,
  solution: Solution,
  servedBy: Map<string, string>,
  travel: TravelTimeProvider,
  report: (v: Violation) => void,
): void {
  const listed = new Map<string, number>();
  for (const entry of solution.unserved)
    listed.set(entry.appointmentId, (listed.get(entry.appointmentId) ?? 0) + 1);
  for (const entry of solution.unserved) {
    const appointment = problem.appointments.find((a) => a.id === entry.appointmentId);
    if (!appointment) {
      report({
        code: 'UNKNOWN_APPOINTMENT',
        message: `unserved entry for unknown ${entry.appointmentId}`,
      });
      continue;
    }
    if (servedBy.has(appointment.id))
      report({
        code: 'SERVED_AND_UNSERVED',
        message: 'both served and unserved',
        appointmentId: appointment.id,
      });
    const expected = expectedUnservedReason(problem, appointment, travel) ?? 'NO_ROOM_IN_PLAN';
    if (entry.reason !== expected)
      report({
        code: 'WRONG_REASON',
        message: `reason ${entry.reason}, expected ${expected}`,
        appointmentId: appointment.id,
      });
  }
  for (const appointment of problem.appointments) {
    const count = listed.get(appointment.id) ?? 0;
    if (count > 1)
      report({
        code: 'SERVED_TWICE',
        message: 'listed unserved more than once',
        appointmentId: appointment.id,
      });
    if (count === 0 && !servedBy.has(appointment.id))
      report({
        code: 'NOT_ACCOUNTED',
        message: 'neither served nor unserved',
        appointmentId: appointment.id,
      });
  }
}
