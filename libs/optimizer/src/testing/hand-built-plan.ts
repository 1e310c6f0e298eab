import { expectedUnservedReason } from '../checker/unserved-reason';
import {
  createTravelTimeProvider,
  DEFAULT_CHANGED_ASSIGNMENT_COST,
  DEFAULT_OVERTIME_SECOND_WEIGHT,
  DEFAULT_PREFERENCE_VIOLATION_COST,
  DEFAULT_TRAVEL_SECOND_WEIGHT,
} from '../model';

import type { Itinerary, Problem, Solution, Stop } from '../model';

/** A visit in a sketched route: the appointment id, optionally with the start wanted (waited for if later). */
export type SketchedVisit = string | { readonly id: string; readonly start: number };

export interface RouteSketch {
  readonly providerId: string;
  readonly shiftIndex?: number;
  /** Defaults to the start of the shift. */
  readonly departure?: number;
  readonly visits: readonly SketchedVisit[];
}

/**
 * A plan written out by hand for checker tests: arrivals, starts, totals and the objective are computed from the
 * sketch exactly as the documented model defines them (practice objective), and every appointment not visited is
 * listed unserved with the reason the problem implies. Feasibility is NOT enforced — that is the checker's job —
 * so a test can sketch a plan that breaks exactly one rule.
 */
export function handBuiltPlan(problem: Problem, routes: readonly RouteSketch[]): Solution {
  const travel = createTravelTimeProvider(problem);
  const served = new Set<string>();
  let travelSeconds = 0;
  let travelMeters = 0;
  let overtimeSeconds = 0;
  let weightedCost = 0;
  let preferenceViolations = 0;
  let changedAssignments = 0;

  const itineraries = routes.map((route): Itinerary => {
    const provider = problem.providers.find((p) => p.id === route.providerId);
    if (!provider) throw new RangeError(`no provider ${route.providerId}`);
    const shiftIndex = route.shiftIndex ?? 0;
    const shift = provider.availability[shiftIndex];
    const departure = route.departure ?? shift.start;
    let clock = departure;
    let place = shift.startLocation ?? provider.startLocation;
    let load = 0;
    let serviceSeconds = 0;
    let waitSeconds = 0;
    let routeSeconds = 0;
    let routeMeters = 0;
    const stops = route.visits.map((visit): Stop => {
      const id = typeof visit === 'string' ? visit : visit.id;
      const appointment = problem.appointments.find((a) => a.id === id);
      if (!appointment) throw new RangeError(`no appointment ${id}`);
      const legSeconds = travel.seconds(place, appointment.location);
      const legMeters = travel.meters(place, appointment.location);
      const arrival = clock + legSeconds;
      const wanted =
        typeof visit === 'string'
          ? (appointment.fixedStart ?? appointment.timeWindows?.[0]?.start ?? arrival)
          : visit.start;
      const start = Math.max(arrival, wanted);
      const end = start + appointment.durationSeconds;
      routeSeconds += legSeconds;
      routeMeters += legMeters;
      load += appointment.load ?? 0;
      serviceSeconds += appointment.durationSeconds;
      waitSeconds += start - arrival;
      clock = end;
      place = appointment.location;
      served.add(appointment.id);
      if (
        appointment.preferredProviders?.length &&
        !appointment.preferredProviders.includes(provider.id)
      )
        preferenceViolations++;
      const previous = problem.previousAssignments?.[appointment.id];
      if (previous !== undefined && previous !== provider.id) changedAssignments++;
      return {
        appointmentId: appointment.id,
        location: appointment.location,
        arrival,
        wait: start - arrival,
        start,
        end,
        travelSecondsFromPrevious: legSeconds,
        travelMetersFromPrevious: legMeters,
      };
    });
    const endLocation = shift.endLocation ?? provider.endLocation;
    const backSeconds = stops.length ? travel.seconds(place, endLocation) : 0;
    const backMeters = stops.length ? travel.meters(place, endLocation) : 0;
    routeSeconds += backSeconds;
    routeMeters += backMeters;
    const returnArrival = stops.length ? clock + backSeconds : departure;
    const working = returnArrival - departure;
    const regular = shift.regularWorkingSeconds ?? provider.regularWorkingSeconds ?? Infinity;
    const overtime = Math.max(0, working - regular);
    travelSeconds += routeSeconds;
    travelMeters += routeMeters;
    overtimeSeconds += overtime;
    weightedCost +=
      routeSeconds * (provider.costWeights?.travelSecond ?? DEFAULT_TRAVEL_SECOND_WEIGHT) +
      overtime * (provider.costWeights?.overtimeSecond ?? DEFAULT_OVERTIME_SECOND_WEIGHT);
    return {
      providerId: provider.id,
      shiftIndex,
      departure,
      returnArrival,
      stops,
      travelSecondsToEnd: backSeconds,
      travelMetersToEnd: backMeters,
      totals: {
        visits: stops.length,
        load,
        travelSeconds: routeSeconds,
        travelMeters: routeMeters,
        serviceSeconds,
        waitSeconds,
        workingSeconds: working,
        overtimeSeconds: overtime,
      },
    };
  });

  const unservedAppointments = problem.appointments.filter((a) => !served.has(a.id));
  const servedPriority = problem.appointments
    .filter((a) => served.has(a.id))
    .reduce((sum, a) => sum + (a.priority ?? 1), 0);
  return {
    itineraries,
    unserved: unservedAppointments.map((a) => ({
      appointmentId: a.id,
      reason: expectedUnservedReason(problem, a, travel) ?? 'NO_ROOM_IN_PLAN',
    })),
    objective: {
      mode: 'practice',
      servedCount: served.size,
      unservedCount: unservedAppointments.length,
      servedPriority,
      unservedPriority: unservedAppointments.reduce((sum, a) => sum + (a.priority ?? 1), 0),
      travelSeconds,
      travelMeters,
      overtimeSeconds,
      preferenceViolations,
      changedAssignments,
      cost:
        weightedCost +
        preferenceViolations *
          (problem.objective?.preferenceViolationCost ?? DEFAULT_PREFERENCE_VIOLATION_COST) +
        changedAssignments *
          (problem.objective?.changedAssignmentCost ?? DEFAULT_CHANGED_ASSIGNMENT_COST),
    },
    statistics: {
      solver: 'hand-built',
      seed: 0,
      threads: 1,
      iterations: 0,
      elapsedMs: 0,
      bestFoundAtIteration: 0,
      bestFoundAtMs: 0,
      stopReason: 'no-work',
      initialCost: 0,
    },
  };
}
