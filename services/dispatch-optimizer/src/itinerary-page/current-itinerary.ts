import { type ProviderDayItinerary, type ProviderItinerary } from '../itinerary/itinerary';
import { itineraryFromPlan } from '../itinerary/itinerary-from-plan';
import { type PlanVersion } from '../plan/plan.model';

export interface CurrentItinerary {
  /** The provider's linked days as the current plans have them. */
  readonly itinerary: ProviderItinerary;
  /** Some day differs from what the text's plan version said. */
  readonly changed: boolean;
}

/**
 * What an old link shows: always the current version of its days (a provider must never drive
 * to a visit that moved), and whether it differs from the version the text was sent for. A
 * re-plan that left this provider's days alone does not count as a change. A day the current
 * plan holds no stops for (the provider called out) is shown empty, not left out.
 */
export function currentItinerary(
  sentPlan: PlanVersion,
  currentPlanOf: ReadonlyMap<string, PlanVersion | null>,
  provider: { readonly providerId: string; readonly displayName: string },
  days: readonly string[],
): CurrentItinerary {
  const sent = itineraryFromPlan(sentPlan, provider, days);
  const current: ProviderDayItinerary[] = [...days].sort().map((day) => {
    const plan = currentPlanOf.get(day) ?? sentPlan;
    return itineraryFromPlan(plan, provider, [day]).days.at(0) ?? emptyDay(day);
  });
  const sentDays = [...days]
    .sort()
    .map((day) => sent.days.find((d) => d.day === day) ?? emptyDay(day));
  return {
    itinerary: { ...sent, days: current },
    changed: JSON.stringify(current) !== JSON.stringify(sentDays),
  };
}

/** Appointment ids the page shows (the audit record's resources). */
export function appointmentIdsOf(itinerary: ProviderItinerary): string[] {
  return itinerary.days.flatMap((day) =>
    day.stops.flatMap((stop) =>
      stop.kind === 'home-visit' ? [stop.appointmentId] : stop.visits.map((v) => v.appointmentId),
    ),
  );
}

function emptyDay(day: string): ProviderDayItinerary {
  return { day, stops: [], totalDriveMinutes: 0 };
}
