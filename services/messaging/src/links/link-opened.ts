import { type NewEvent, PhiAccessAction } from '@caredispatch/contracts';

/** The pages' GET routes, as the audit trail names them (route templates: no token). */
export type PageRoute =
  'GET /a/:token' | 'GET /a/:token/cancel' | 'GET /a/:token/reschedule' | 'GET /o/:token';

/** The OAuth-style client name the trail shows for a page view (there is no token client). */
export const PATIENT_PAGE_CLIENT = 'patient-page';

/** What a waitlist offer's page read is recorded as (its subject is the offer, no appointment yet). */
export const WAITLIST_OFFER_RESOURCE = 'WaitlistOffer';

/**
 * "Link opened": the page showed the visit to whoever holds the link (the patient, or a
 * scanner prefetching the URL). Showing a visit is a read of PHI, recorded like every read
 * API's (`PhiAccessedV1` on audit.phi-access.v1), so the appointment's audit trail lists each
 * opening. It is a record of the read and nothing else: no link, answer or appointment
 * changes. Ids only; the accessor is the link, never the patient's name or number.
 */
export function linkOpenedEvent(input: {
  readonly tenantId: string;
  readonly linkId: string;
  readonly appointmentId: string;
  readonly correlationId: string;
  readonly route: PageRoute;
}): NewEvent<'PhiAccessedV1'> {
  return pageReadEvent({
    ...input,
    resourceType: 'Appointment',
    resourceId: input.appointmentId,
    patientIds: [],
  });
}

/**
 * The same record for a waitlist offer's page (`/o/{token}`): it shows the offered time and
 * place to whoever holds the link. The resource is the offer; the patient it was made to is
 * named by scheduling's uuid (as the offer's own events name them), so a compliance query by
 * patient finds the opening.
 */
export function offerLinkOpenedEvent(input: {
  readonly tenantId: string;
  readonly linkId: string;
  readonly offerId: string;
  readonly patientId: string;
  readonly correlationId: string;
}): NewEvent<'PhiAccessedV1'> {
  return pageReadEvent({
    ...input,
    route: 'GET /o/:token',
    resourceType: WAITLIST_OFFER_RESOURCE,
    resourceId: input.offerId,
    patientIds: input.patientId === '' ? [] : [input.patientId],
  });
}

function pageReadEvent(input: {
  readonly tenantId: string;
  readonly linkId: string;
  readonly correlationId: string;
  readonly route: PageRoute;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly patientIds: readonly string[];
}): NewEvent<'PhiAccessedV1'> {
  const subject = `patient-link:${input.linkId}`;
  return {
    type: 'PhiAccessedV1',
    tenantId: input.tenantId,
    // Keyed by the reader, like every PhiAccessedV1: one link's openings stay in order.
    aggregateId: subject,
    correlationId: input.correlationId,
    payload: {
      accessor: { subject, clientId: PATIENT_PAGE_CLIENT, roles: [] },
      action: PhiAccessAction.READ,
      route: input.route,
      resourceType: input.resourceType,
      resourceIds: [input.resourceId],
      patientIds: [...input.patientIds],
      filter: {},
      resultCount: 1,
    },
  };
}
