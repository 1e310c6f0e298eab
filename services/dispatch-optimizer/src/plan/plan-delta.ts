import type {
  ClinicSession,
  PlanStop,
  PlanVersion,
  ProviderDayKey,
  ProviderDayPlan,
} from './plan.model';

/**
 * The provider-days whose itinerary differs between two versions of a plan: stops added, removed,
 * reordered or retimed, clinic sessions changed, or the day appearing/disappearing. Delivery sends
 * deltas for exactly these. Sorted by provider, then day.
 *
 * A first version (no previous) lists EVERY rostered provider-day, visits or not: each provider
 * available in the horizon gets their whole itinerary, and a day without visits says so rather
 * than leaving the provider to wonder whether a message was lost.
 */
export function changedProviderDays(
  previous: PlanVersion | null,
  next: PlanVersion,
): ProviderDayKey[] {
  if (previous === null) {
    return next.providerDays
      .map((day) => ({ providerId: day.providerId, day: day.day }))
      .sort((x, y) => compare(x.providerId, y.providerId) || compare(x.day, y.day));
  }
  const before = indexByProviderDay(previous.providerDays);
  const after = indexByProviderDay(next.providerDays);
  const keys = new Set([...before.keys(), ...after.keys()]);
  const changed: ProviderDayKey[] = [];
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    if (a && b && sameItinerary(a, b)) continue;
    // A day that exists on neither side with stops (an empty day appearing) is no news.
    if ((a?.stops.length ?? 0) === 0 && (b?.stops.length ?? 0) === 0) continue;
    const day = (a ?? b) as ProviderDayPlan;
    changed.push({ providerId: day.providerId, day: day.day });
  }
  return changed.sort((x, y) => compare(x.providerId, y.providerId) || compare(x.day, y.day));
}

/** The distinct providers among `changedProviderDays`, ascending. */
export function changedProviders(previous: PlanVersion | null, next: PlanVersion): string[] {
  return [...new Set(changedProviderDays(previous, next).map((key) => key.providerId))];
}

function indexByProviderDay(days: readonly ProviderDayPlan[]): Map<string, ProviderDayPlan> {
  return new Map(days.map((day) => [`${day.providerId}\u0000${day.day}`, day]));
}

function sameItinerary(a: ProviderDayPlan, b: ProviderDayPlan): boolean {
  if (a.stops.length !== b.stops.length) return false;
  if (!a.stops.every((stop, i) => sameStop(stop, b.stops[i]))) return false;
  return (
    a.clinicSessions.length === b.clinicSessions.length &&
    a.clinicSessions.every((session, i) => sameSession(session, b.clinicSessions[i])) &&
    a.departure === b.departure &&
    a.returnArrival === b.returnArrival
  );
}

/**
 * Field by field, never by serialization: a version read back from PostgreSQL (jsonb orders keys
 * its own way) must equal the same version as the planner built it.
 */
function sameSession(a: ClinicSession, b: ClinicSession): boolean {
  return (
    a.clinicId === b.clinicId &&
    a.clinicName === b.clinicName &&
    a.block === b.block &&
    a.start === b.start &&
    a.end === b.end &&
    a.appointmentIds.length === b.appointmentIds.length &&
    a.appointmentIds.every((id, i) => id === b.appointmentIds[i])
  );
}

function sameStop(a: PlanStop, b: PlanStop): boolean {
  return (
    a.appointmentId === b.appointmentId &&
    a.arrival === b.arrival &&
    a.start === b.start &&
    a.end === b.end &&
    a.address.line === b.address.line
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
