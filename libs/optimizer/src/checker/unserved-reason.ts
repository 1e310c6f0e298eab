import { fitsBefore, fitsCapacity } from '../model';

import type {
  Appointment,
  AvailabilityWindow,
  Problem,
  Provider,
  TimeWindow,
  TravelTimeProvider,
  UnservedReason,
} from '../model';

/**
 * Deliberately re-derived from the problem (not from the compiled form the solver uses), so a bug in one is caught by
 * the other: the first reason, in `UnservedReason` order, that rules out every provider shift; null when some shift
 * could serve the appointment on its own.
 */
export function expectedUnservedReason(
  problem: Problem,
  appointment: Appointment,
  travel: TravelTimeProvider,
): UnservedReason | null {
  const required = appointment.requiredCredentials ?? [];
  const credentialed = problem.providers.filter((p) =>
    required.every((c) => p.credentials.includes(c)),
  );
  if (credentialed.length === 0) return 'NO_CREDENTIALED_PROVIDER';
  const allowed = credentialed.filter((p) => isAllowed(p, appointment));
  if (allowed.length === 0) return 'PROVIDER_RESTRICTION';
  const roomyShift = (p: Provider, s: AvailabilityWindow) =>
    fitsCapacity(appointment.load ?? 0, s.capacity ?? p.capacity ?? Infinity) &&
    (s.maxVisits ?? p.maxVisits ?? Infinity) >= 1;
  const roomy = allowed.filter((p) => p.availability.some((s) => roomyShift(p, s)));
  if (roomy.length === 0) return 'CAPACITY';
  const windows = startWindows(problem, appointment);
  if (windows.length === 0)
    return appointment.clinicId !== undefined ? 'CLINIC_CLOSED' : 'OUTSIDE_AVAILABILITY';
  const rank: UnservedReason[] = [
    'OUTSIDE_AVAILABILITY',
    'TIME_WINDOW_UNREACHABLE',
    'MAX_WORKING_TIME',
  ];
  let best = 0;
  for (const provider of roomy) {
    for (const shift of provider.availability) {
      if (!roomyShift(provider, shift)) continue;
      const toVisit = travel.seconds(
        shift.startLocation ?? provider.startLocation,
        appointment.location,
      );
      const toEnd = travel.seconds(appointment.location, shift.endLocation ?? provider.endLocation);
      const maxWorking = shift.maxWorkingSeconds ?? provider.maxWorkingSeconds ?? Infinity;
      for (const w of windows) {
        const latestEnd = w.end + appointment.durationSeconds;
        if (!fitsBefore(w.start, shift.end) || !fitsBefore(shift.start, latestEnd)) continue;
        best = Math.max(best, 1);
        const start = Math.max(w.start, shift.start + toVisit);
        const back = start + appointment.durationSeconds + toEnd;
        if (!fitsBefore(start, w.end) || !fitsBefore(back, shift.end)) continue;
        best = Math.max(best, 2);
        if (fitsBefore(toVisit + appointment.durationSeconds + toEnd, maxWorking)) return null;
      }
    }
  }
  return rank[best];
}

export function isAllowed(provider: Provider, appointment: Appointment): boolean {
  if (appointment.pinnedProvider !== undefined && appointment.pinnedProvider !== provider.id)
    return false;
  if (appointment.requiredProviders?.length && !appointment.requiredProviders.includes(provider.id))
    return false;
  return !(appointment.excludedProviders ?? []).includes(provider.id);
}

/** Start windows of the appointment within its clinic's hours and blocks. */
export function startWindows(problem: Problem, appointment: Appointment): TimeWindow[] {
  let windows: TimeWindow[] =
    appointment.fixedStart !== undefined
      ? [{ start: appointment.fixedStart, end: appointment.fixedStart }]
      : appointment.timeWindows
        ? appointment.timeWindows.filter((w) => w.start <= w.end)
        : [{ start: -Infinity, end: Infinity }];
  if (appointment.clinicId === undefined) return windows;
  const clinic = problem.clinics?.find((c) => c.id === appointment.clinicId);
  if (!clinic) return [];
  windows = clip(
    windows,
    clinic.openingHours.map((h) => ({ start: h.start, end: h.end - appointment.durationSeconds })),
  );
  return problem.clinicBlocks?.length ? clip(windows, problem.clinicBlocks) : windows;
}

function clip(windows: TimeWindow[], by: readonly TimeWindow[]): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (const w of windows) {
    for (const b of by) {
      const start = Math.max(w.start, b.start);
      const end = Math.min(w.end, b.end);
      if (start <= end) out.push({ start, end });
    }
  }
  return out;
}
