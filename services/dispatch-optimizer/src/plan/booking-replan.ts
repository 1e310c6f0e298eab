import {
  type Appointment,
  type Problem,
  replan,
  type ReplanOptions,
  type ReplanRequest,
  type ReplanResult,
} from '@caredispatch/optimizer';

/** `[from, until)` in problem seconds: the practice day the booking change falls on. */
export interface ProblemWindow {
  readonly from: number;
  readonly until: number;
}

/**
 * A booking change (added, moved, cancelled) between runs, applied with the least disruption a
 * provider would notice: itineraries already sent stay as sent unless the change cannot be served
 * otherwise.
 *
 * 1. Every served visit the change does not touch is pinned to its provider and start, so the new
 *    visit goes into an existing gap (or the cancelled one leaves a gap): one provider-day changes.
 * 2. If the added visit cannot be served that way, only the visits of its own day are released
 *    (the rest of the week stays pinned): that day is re-planned, every other day is kept.
 * The optimizer's own stability objective still ranks the candidates inside each stage.
 *
 * The pins are scaffolding for the search, not facts of the plan: the returned problem carries the
 * visits as they were defined (a later call-out must be free to move them), except those the
 * optimizer froze because they had started.
 */
export function replanBookingChange(
  request: ReplanRequest,
  options: ReplanOptions,
  bookingDay: ProblemWindow | null,
): ReplanResult {
  const touched = new Set(
    request.changes.flatMap((change) => {
      switch (change.kind) {
        case 'appointment-added':
          return [change.appointment.id];
        case 'appointment-cancelled':
          return [change.appointmentId];
        case 'provider-unavailable':
          return [];
      }
    }),
  );
  const added = request.changes.flatMap((change) =>
    change.kind === 'appointment-added' ? [change.appointment.id] : [],
  );
  const served = (result: ReplanResult): boolean =>
    added.every((id) =>
      result.solution.itineraries.some((itinerary) =>
        itinerary.stops.some((stop) => stop.appointmentId === id),
      ),
    );

  const everyOtherVisit = pinned(request, (_, start) => start !== undefined, touched);
  let result = replan({ ...request, problem: everyOtherVisit.problem }, options);
  let pins = everyOtherVisit.ids;
  if (!served(result) && bookingDay !== null) {
    const otherDays = pinned(
      request,
      (_, start) => start !== undefined && (start < bookingDay.from || start >= bookingDay.until),
      touched,
    );
    const released = replan({ ...request, problem: otherDays.problem }, options);
    if (served(released)) {
      result = released;
      pins = otherDays.ids;
    }
  }
  return { ...result, problem: unpinned(result, request.problem, pins) };
}

/** The problem with the chosen served visits pinned to their current provider and start. */
function pinned(
  request: ReplanRequest,
  choose: (appointment: Appointment, start: number | undefined) => boolean,
  touched: ReadonlySet<string>,
): { problem: Problem; ids: ReadonlySet<string> } {
  const current = new Map<string, { providerId: string; start: number }>();
  for (const itinerary of request.plan.itineraries)
    for (const stop of itinerary.stops)
      current.set(stop.appointmentId, { providerId: itinerary.providerId, start: stop.start });
  const ids = new Set<string>();
  const appointments = request.problem.appointments.map((appointment) => {
    const at = current.get(appointment.id);
    if (!at || touched.has(appointment.id) || !choose(appointment, at.start)) return appointment;
    ids.add(appointment.id);
    return {
      ...appointment,
      fixedStart: at.start,
      timeWindows: undefined,
      pinnedProvider: at.providerId,
    };
  });
  return { problem: { ...request.problem, appointments }, ids };
}

/** `result.problem` with the stage's pins taken back (frozen visits keep the optimizer's pin). */
function unpinned(result: ReplanResult, original: Problem, pins: ReadonlySet<string>): Problem {
  const frozen = new Set(result.frozenAppointmentIds);
  const originals = new Map(original.appointments.map((a) => [a.id, a]));
  return {
    ...result.problem,
    appointments: result.problem.appointments.map((appointment) => {
      const before = originals.get(appointment.id);
      if (!pins.has(appointment.id) || frozen.has(appointment.id) || !before) return appointment;
      return before;
    }),
  };
}
