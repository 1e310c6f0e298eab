import { buildSolution } from '../heuristic/build-solution';
import { RoutePlan } from '../heuristic/route-plan';
import { solveSync } from '../heuristic/solve';
import { SolverContext } from '../heuristic/solver-context';
import { compileProblem, createTravelTimeProvider, shiftEndLocation } from '../model';

import type { SolveOptions, WarmStartRoute } from '../heuristic/solve';
import type {
  Appointment,
  AvailabilityWindow,
  Itinerary,
  Problem,
  Provider,
  Solution,
  TimeWindow,
  UnservedAppointment,
} from '../model';
import type { PlanChange } from './plan-change';

export interface ReplanRequest {
  /** The problem the current plan was made for. */
  readonly problem: Problem;
  readonly plan: Solution;
  readonly changes: readonly PlanChange[];
  /** Visits that started before this time are frozen: same provider, same start. Nothing new is scheduled before it. */
  readonly freezeTime: number;
}

export interface AssignmentChange {
  readonly appointmentId: string;
  readonly fromProviderId: string;
  /** null when the appointment is no longer served. */
  readonly toProviderId: string | null;
}

export interface ReplanResult {
  /**
   * The problem the new plan solves: changes applied, frozen visits pinned at their start, shifts that had not
   * started moved to the freeze time, windows clipped to the future. Check the new plan against this one.
   */
  readonly problem: Problem;
  readonly solution: Solution;
  readonly frozenAppointmentIds: readonly string[];
  readonly changedAssignments: readonly AssignmentChange[];
  /** Served in the old plan (and not cancelled) but not in the new one. */
  readonly noLongerServed: readonly UnservedAppointment[];
}

interface FrozenPart {
  readonly stops: Itinerary['stops'];
  readonly departure: number;
}

/**
 * Re-plans after changes, keeping the past fixed and preferring the old assignments: every moved appointment costs
 * `changedAssignmentCost` (default 4 h of travel), so after coverage the solver first minimizes changes, then travel.
 * A visit that has already started cannot be cancelled; it stays frozen.
 */
export function replan(request: ReplanRequest, options: SolveOptions = {}): ReplanResult {
  const { plan, freezeTime } = request;
  const cancelled = new Set(
    request.changes.flatMap((c) => (c.kind === 'appointment-cancelled' ? [c.appointmentId] : [])),
  );
  const added = request.changes.flatMap((c) =>
    c.kind === 'appointment-added' ? [c.appointment] : [],
  );
  const unavailableFrom = new Map<string, number>();
  for (const c of request.changes) {
    if (c.kind === 'provider-unavailable')
      unavailableFrom.set(
        c.providerId,
        Math.min(c.from, unavailableFrom.get(c.providerId) ?? Infinity),
      );
  }

  const frozen = new Map<string, FrozenPart>();
  const frozenStart = new Map<string, { providerId: string; start: number }>();
  const previousAssignments: Record<string, string> = {};
  for (const itinerary of plan.itineraries) {
    const stops = itinerary.stops.filter((s) => s.start < freezeTime);
    if (stops.length > 0)
      frozen.set(key(itinerary.providerId, itinerary.shiftIndex), {
        stops,
        departure: itinerary.departure,
      });
    for (const s of stops)
      frozenStart.set(s.appointmentId, { providerId: itinerary.providerId, start: s.start });
    for (const s of itinerary.stops) previousAssignments[s.appointmentId] = itinerary.providerId;
  }

  const travel = options.travel ?? createTravelTimeProvider(request.problem);
  const appointments: Appointment[] = [...request.problem.appointments, ...added]
    .filter((a) => frozenStart.has(a.id) || !cancelled.has(a.id))
    .map((a) => {
      const pin = frozenStart.get(a.id);
      return pin
        ? { ...a, fixedStart: pin.start, timeWindows: undefined, pinnedProvider: pin.providerId }
        : inFuture(a, freezeTime);
    });
  const finalProblem: Problem = {
    ...request.problem,
    appointments,
    previousAssignments,
    providers: request.problem.providers.map((p) => ({
      ...p,
      availability: p.availability.map((w, s) =>
        futureShift(
          p,
          w,
          frozen.get(key(p.id, s)),
          freezeTime,
          unavailableFrom.get(p.id),
          travel.seconds.bind(travel),
        ),
      ),
    })),
  };

  const loads = new Map(appointments.map((a) => [a.id, a.load ?? 0]));
  const loadOf = (id: string) => loads.get(id) ?? 0;
  // The residual problem: what is still open, with each started shift continuing from its last frozen visit.
  const residualProblem: Problem = {
    ...finalProblem,
    appointments: appointments.filter((a) => !frozenStart.has(a.id)),
    providers: finalProblem.providers.map((p) => ({
      ...p,
      availability: p.availability.map((w, s) =>
        residualShift(p, s, w, frozen.get(key(p.id, s)), loadOf),
      ),
    })),
  };
  const warmStart: WarmStartRoute[] = plan.itineraries.map((i) => ({
    providerId: i.providerId,
    shiftIndex: i.shiftIndex,
    appointmentIds: i.stops
      .filter((s) => !frozenStart.has(s.appointmentId) && !cancelled.has(s.appointmentId))
      .map((s) => s.appointmentId),
  }));
  const residual = solveSync(residualProblem, {
    ...options,
    travel,
    warmStart: [...warmStart, ...(options.warmStart ?? [])],
  });

  const solution = stitch(finalProblem, residual, frozen, travel);
  const newProvider = new Map<string, string>();
  for (const i of solution.itineraries)
    for (const s of i.stops) newProvider.set(s.appointmentId, i.providerId);
  const changedAssignments: AssignmentChange[] = [];
  for (const [appointmentId, fromProviderId] of Object.entries(previousAssignments)) {
    if (cancelled.has(appointmentId) && !frozenStart.has(appointmentId)) continue;
    const to = newProvider.get(appointmentId) ?? null;
    if (to !== fromProviderId)
      changedAssignments.push({ appointmentId, fromProviderId, toProviderId: to });
  }
  return {
    problem: finalProblem,
    solution,
    frozenAppointmentIds: [...frozenStart.keys()],
    changedAssignments,
    noLongerServed: solution.unserved.filter((u) =>
      Object.hasOwn(previousAssignments, u.appointmentId),
    ),
  };
}

function key(providerId: string, shift: number): string {
  return `${providerId}#${shift}`;
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

/** A shift as it stands after the change: not yet started → cannot depart before the freeze; unavailable → cut at T. */
function futureShift(
  provider: Provider,
  w: AvailabilityWindow,
  frozen: FrozenPart | undefined,
  freezeTime: number,
  unavailableFrom: number | undefined,
  seconds: (from: number, to: number) => number,
): AvailabilityWindow {
  let end = w.end;
  if (unavailableFrom !== undefined) {
    const last = frozen?.stops[frozen.stops.length - 1];
    const frozenReturn = last
      ? last.end + seconds(last.location, w.endLocation ?? provider.endLocation)
      : -Infinity;
    end = Math.max(Math.min(w.end, unavailableFrom), frozenReturn);
  }
  const start = frozen ? w.start : Math.max(w.start, freezeTime);
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

/**
 * Frozen visits first, then the residual route, appended one by one with the O(1) feasibility check on the final
 * problem; anything that does not fit there (e.g. a working-time cap measured across the freeze) is left unserved.
 */
function stitch(
  finalProblem: Problem,
  residual: Solution,
  frozen: Map<string, FrozenPart>,
  travel: ReturnType<typeof createTravelTimeProvider>,
): Solution {
  const compiled = compileProblem(finalProblem, travel);
  const plan = new RoutePlan(new SolverContext(compiled, 1));
  const residualStops = new Map(
    residual.itineraries.map((i) => [key(i.providerId, i.shiftIndex), i.stops]),
  );
  for (let v = 0; v < compiled.vehicleCount; v++) {
    const k = key(compiled.providerIds[compiled.vehicleProvider[v]], compiled.vehicleShift[v]);
    const ids = [...(frozen.get(k)?.stops ?? []), ...(residualStops.get(k) ?? [])].map(
      (s) => s.appointmentId,
    );
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
  return buildSolution(compiled, plan.snapshot(), {
    ...residual.statistics,
    solver: 'alns-replan',
  });
}
