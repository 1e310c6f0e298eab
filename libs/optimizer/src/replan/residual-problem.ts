import {
  createTravelTimeProvider,
  DEFAULT_OVERTIME_SECOND_WEIGHT,
  DEFAULT_PREFERENCE_VIOLATION_COST,
  DEFAULT_TRAVEL_SECOND_WEIGHT,
  shiftEndLocation,
} from '../model';

import type {
  Appointment,
  AvailabilityWindow,
  Itinerary,
  Problem,
  Provider,
  TimeWindow,
  TravelTimeProvider,
} from '../model';
import type { ReplanRequest } from './replan-types';

/** The part of a started shift that can no longer change. */
export interface FrozenPart {
  readonly stops: Itinerary['stops'];
  readonly departure: number;
}

/** An old itinerary reduced to what is still open: the visits a stable re-plan tries to keep, in their old order. */
export interface KeptRoute {
  readonly providerId: string;
  readonly shiftIndex: number;
  readonly appointmentIds: readonly string[];
}

interface Unavailability {
  readonly from: number;
  readonly until: number;
}

export interface PreparedReplan {
  /** Changes applied, frozen visits pinned at their start: what the new plan is checked against. */
  readonly finalProblem: Problem;
  /** What is still open, each started shift continuing from its last frozen visit: what the search solves. */
  readonly residualProblem: Problem;
  readonly travel: TravelTimeProvider;
  /** Keyed by `shiftKey`. */
  readonly frozen: ReadonlyMap<string, FrozenPart>;
  readonly frozenAppointmentIds: readonly string[];
  readonly keptRoutes: readonly KeptRoute[];
  readonly cancelledAppointmentIds: readonly string[];
  readonly startedCancellationIds: readonly string[];
  readonly addedAppointmentIds: readonly string[];
}

export function shiftKey(providerId: string, shiftIndex: number): string {
  return `${providerId}#${shiftIndex}`;
}

/** Applies the changes and the freeze to the problem; no solving. */
export function prepareReplan(
  request: ReplanRequest,
  travelOverride?: TravelTimeProvider,
): PreparedReplan {
  const { plan, freezeTime } = request;
  const cancelled = new Set(
    request.changes.flatMap((c) => (c.kind === 'appointment-cancelled' ? [c.appointmentId] : [])),
  );
  const added = request.changes.flatMap((c) =>
    c.kind === 'appointment-added' ? [c.appointment] : [],
  );
  const unavailable = new Map<string, Unavailability[]>();
  for (const c of request.changes) {
    if (c.kind !== 'provider-unavailable') continue;
    const list = unavailable.get(c.providerId) ?? [];
    list.push({ from: c.from, until: c.until ?? Infinity });
    unavailable.set(c.providerId, list);
  }

  const frozen = new Map<string, FrozenPart>();
  const frozenStart = new Map<string, { providerId: string; start: number }>();
  const previousAssignments: Record<string, string> = {};
  for (const itinerary of plan.itineraries) {
    const stops = itinerary.stops.filter((s) => s.start < freezeTime);
    if (stops.length > 0)
      frozen.set(shiftKey(itinerary.providerId, itinerary.shiftIndex), {
        stops,
        departure: itinerary.departure,
      });
    for (const s of stops)
      frozenStart.set(s.appointmentId, { providerId: itinerary.providerId, start: s.start });
    for (const s of itinerary.stops) previousAssignments[s.appointmentId] = itinerary.providerId;
  }

  const travel = travelOverride ?? createTravelTimeProvider(request.problem);
  const seconds = (from: number, to: number) => travel.seconds(from, to);
  const appointments: Appointment[] = [...request.problem.appointments, ...added]
    .filter((a) => frozenStart.has(a.id) || !cancelled.has(a.id))
    .map((a) => {
      const pin = frozenStart.get(a.id);
      return pin
        ? { ...a, fixedStart: pin.start, timeWindows: undefined, pinnedProvider: pin.providerId }
        : inFuture(a, freezeTime);
    });
  const withChanges: Problem = {
    ...request.problem,
    appointments,
    previousAssignments,
    providers: request.problem.providers.map((p) => ({
      ...p,
      availability: p.availability.map((w, s) =>
        futureShift(
          p,
          w,
          frozen.get(shiftKey(p.id, s)),
          freezeTime,
          unavailable.get(p.id) ?? [],
          seconds,
        ),
      ),
    })),
  };
  const finalProblem: Problem = {
    ...withChanges,
    objective: {
      ...withChanges.objective,
      changedAssignmentCost:
        request.problem.objective?.changedAssignmentCost ?? lexicographicChangeCost(withChanges),
    },
  };

  const loads = new Map(appointments.map((a) => [a.id, a.load ?? 0]));
  const loadOf = (id: string) => loads.get(id) ?? 0;
  const residualProblem: Problem = {
    ...finalProblem,
    appointments: appointments.filter((a) => !frozenStart.has(a.id)),
    providers: finalProblem.providers.map((p) => ({
      ...p,
      availability: p.availability.map((w, s) =>
        residualShift(p, s, w, frozen.get(shiftKey(p.id, s)), loadOf),
      ),
    })),
  };
  const keptRoutes: KeptRoute[] = plan.itineraries.map((i) => ({
    providerId: i.providerId,
    shiftIndex: i.shiftIndex,
    appointmentIds: i.stops
      .filter((s) => !frozenStart.has(s.appointmentId) && !cancelled.has(s.appointmentId))
      .map((s) => s.appointmentId),
  }));
  const known = new Set(request.problem.appointments.map((a) => a.id));
  return {
    finalProblem,
    residualProblem,
    travel,
    frozen,
    frozenAppointmentIds: [...frozenStart.keys()],
    keptRoutes,
    cancelledAppointmentIds: [...cancelled].filter((id) => known.has(id) && !frozenStart.has(id)),
    startedCancellationIds: [...cancelled].filter((id) => frozenStart.has(id)),
    addedAppointmentIds: added.map((a) => a.id),
  };
}

/**
 * A change cost above any plan's travel + overtime + preference cost, so that after coverage the number of changed
 * assignments is minimized strictly before travel (the "secondary objective"): no saving in travel or
 * overtime is worth moving a patient to another provider. Used when the problem sets no cost of its own.
 */
export function lexicographicChangeCost(problem: Problem): number {
  let bound = 0;
  for (const p of problem.providers) {
    const weight =
      (p.costWeights?.travelSecond ?? DEFAULT_TRAVEL_SECOND_WEIGHT) +
      (p.costWeights?.overtimeSecond ?? DEFAULT_OVERTIME_SECOND_WEIGHT);
    for (const w of p.availability) {
      const span = Math.min(
        w.end - w.start,
        w.maxWorkingSeconds ?? p.maxWorkingSeconds ?? Infinity,
      );
      if (!Number.isFinite(span)) return 1e9;
      bound += Math.max(0, span) * weight;
    }
  }
  const preference =
    problem.appointments.length *
    (problem.objective?.preferenceViolationCost ?? DEFAULT_PREFERENCE_VIOLATION_COST);
  return Math.ceil(bound + preference + 1);
}

/** Nothing that has not started may start before the freeze time. */
function inFuture(a: Appointment, freezeTime: number): Appointment {
  const windows: readonly TimeWindow[] =
    a.fixedStart !== undefined
      ? [{ start: a.fixedStart, end: a.fixedStart }]
      : (a.timeWindows ?? [{ start: freezeTime, end: Infinity }]);
  const future = windows
    .filter((w) => w.end >= freezeTime)
    .map((w) => ({ start: Math.max(w.start, freezeTime), end: w.end }));
  return { ...a, fixedStart: undefined, timeWindows: future };
}

/**
 * A shift as it stands after the changes: not yet started → cannot depart before the freeze; an unavailability
 * covering its start delays it, one covering the rest of it (or a gap inside it) ends it at `from` — but never before
 * the frozen visits are done and the provider is back.
 */
function futureShift(
  provider: Provider,
  w: AvailabilityWindow,
  frozen: FrozenPart | undefined,
  freezeTime: number,
  unavailable: readonly Unavailability[],
  seconds: (from: number, to: number) => number,
): AvailabilityWindow {
  let start = frozen ? w.start : Math.max(w.start, freezeTime);
  let end = w.end;
  for (const u of unavailable) {
    if (u.until <= start || u.from >= end) continue;
    if (u.from <= start && !frozen) start = Math.max(start, u.until);
    else end = Math.min(end, u.from);
  }
  if (frozen) {
    const last = frozen.stops[frozen.stops.length - 1];
    end = Math.max(end, last.end + seconds(last.location, w.endLocation ?? provider.endLocation));
  }
  return { ...w, start: Math.min(start, end), end };
}

function residualShift(
  provider: Provider,
  shift: number,
  w: AvailabilityWindow,
  frozen: FrozenPart | undefined,
  loadOf: (appointmentId: string) => number,
): AvailabilityWindow {
  if (!frozen) return w;
  const last = frozen.stops[frozen.stops.length - 1];
  const start = Math.min(Math.max(w.start, last.end), w.end);
  const elapsed = last.end - frozen.departure;
  const maxWorking = w.maxWorkingSeconds ?? provider.maxWorkingSeconds;
  const regular = w.regularWorkingSeconds ?? provider.regularWorkingSeconds;
  const capacity = w.capacity ?? provider.capacity;
  const maxVisits = w.maxVisits ?? provider.maxVisits;
  return {
    ...w,
    start,
    startLocation: last.location,
    endLocation: shiftEndLocation(provider, shift),
    maxWorkingSeconds: maxWorking === undefined ? undefined : Math.max(0, maxWorking - elapsed),
    regularWorkingSeconds: regular === undefined ? undefined : Math.max(0, regular - elapsed),
    capacity:
      capacity === undefined
        ? undefined
        : capacity - frozen.stops.reduce((sum, stop) => sum + loadOf(stop.appointmentId), 0),
    maxVisits: maxVisits === undefined ? undefined : Math.max(0, maxVisits - frozen.stops.length),
  };
}
