import { type NewEvent, PhiAccessAction } from '@caredispatch/contracts';

/** The page's route as the audit trail names it (a template: never the token). */
export const ITINERARY_PAGE_ROUTE = 'GET /itineraries/:token';

/** The client name the trail shows for a page view (there is no token client). */
export const ITINERARY_PAGE_CLIENT = 'itinerary-page';

/**
 * "Itinerary opened": the page showed a provider's visits (patients' display names, visit
 * types, home addresses) to whoever holds the link. A read of PHI, recorded like every other
 * (`PhiAccessedV1` on audit.phi-access.v1, as messaging's patient page does). Ids only: the
 * accessor is the link (its delivery), never a name or a number.
 */
export function itineraryOpenedEvent(input: {
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly appointmentIds: readonly string[];
}): NewEvent<'PhiAccessedV1'> {
  const subject = `itinerary-link:${input.deliveryId}`;
  return {
    type: 'PhiAccessedV1',
    tenantId: input.tenantId,
    // Keyed by the reader, like every PhiAccessedV1: one link's openings stay in order.
    aggregateId: subject,
    payload: {
      accessor: { subject, clientId: ITINERARY_PAGE_CLIENT, roles: [] },
      action: PhiAccessAction.READ,
      route: ITINERARY_PAGE_ROUTE,
      resourceType: 'Appointment',
      resourceIds: [...input.appointmentIds],
      patientIds: [],
      filter: {},
      resultCount: input.appointmentIds.length,
    },
  };
}
