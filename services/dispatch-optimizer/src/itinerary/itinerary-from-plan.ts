import { type PlanStop, type PlanVersion, type ProviderDayPlan } from '../plan/plan.model';

import {
  type ClinicVisit,
  type HomeVisitStop,
  type ItineraryStop,
  type ProviderDayItinerary,
  type ProviderItinerary,
} from './itinerary';

/**
 * The itinerary of one provider for the given days of a stored plan version. Clinic visits
 * are grouped into their clinic session (one stop per block); home visits stay one stop each.
 * Days the plan does not hold for the provider are left out.
 */
export function itineraryFromPlan(
  plan: PlanVersion,
  provider: { readonly providerId: string; readonly displayName: string },
  days: readonly string[],
): ProviderItinerary {
  const wanted = new Set(days);
  return {
    tenantId: plan.tenantId,
    providerId: provider.providerId,
    providerName: provider.displayName,
    timeZone: plan.horizon.timeZone,
    days: plan.providerDays
      .filter((d) => d.providerId === provider.providerId && wanted.has(d.day))
      .sort((a, b) => a.day.localeCompare(b.day))
      .map(dayItinerary),
  };
}

function dayItinerary(day: ProviderDayPlan): ProviderDayItinerary {
  const stops: ItineraryStop[] = [];
  const sessionOf = new Map(
    day.clinicSessions.flatMap((session) => session.appointmentIds.map((id) => [id, session])),
  );
  const blockVisits = new Map<string, ClinicVisit[]>();
  for (const stop of day.stops) {
    const session = stop.visitMode === 'clinic' ? sessionOf.get(stop.appointmentId) : undefined;
    if (!session) {
      stops.push(homeVisit(stop));
      continue;
    }
    const key = `${session.clinicId}|${session.block}|${session.start}`;
    const visit = {
      appointmentId: stop.appointmentId,
      patientDisplayName: stop.patientDisplayName,
      visitType: stop.visitType,
      start: new Date(stop.start),
      end: new Date(stop.end),
    };
    const existing = blockVisits.get(key);
    if (existing) {
      existing.push(visit);
      continue;
    }
    const visits = [visit];
    blockVisits.set(key, visits);
    stops.push({
      kind: 'clinic-block',
      clinicName: session.clinicName,
      address: stop.address.line,
      location: { lat: stop.address.coordinates.lat, lng: stop.address.coordinates.lon },
      block: session.block,
      arrival: new Date(stop.arrival),
      start: new Date(session.start),
      end: new Date(session.end),
      travelMinutesFromPrevious: stop.travelSecondsFromPrevious / 60,
      visits,
    });
  }
  return { day: day.day, stops, totalDriveMinutes: day.totals.driveSeconds / 60 };
}

function homeVisit(stop: PlanStop): HomeVisitStop {
  return {
    kind: 'home-visit',
    appointmentId: stop.appointmentId,
    patientDisplayName: stop.patientDisplayName,
    visitType: stop.visitType,
    arrival: new Date(stop.arrival),
    start: new Date(stop.start),
    end: new Date(stop.end),
    address: stop.address.line,
    location: { lat: stop.address.coordinates.lat, lng: stop.address.coordinates.lon },
    travelMinutesFromPrevious: stop.travelSecondsFromPrevious / 60,
  };
}
