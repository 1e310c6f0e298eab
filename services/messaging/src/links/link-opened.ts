import { type NewEvent, PhiAccessAction } from '@caredispatch/contracts';

/** The page's GET routes, as the audit trail names them (route templates: no token). */
export type PageRoute = 'GET /a/:token' | 'GET /a/:token/cancel' | 'GET /a/:token/reschedule';

/** The OAuth-style client name the trail shows for a page view (there is no token client). */
export const PATIENT_PAGE_CLIENT = 'patient-page';

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
      resourceType: 'Appointment',
      resourceIds: [input.appointmentId],
      patientIds: [],
      filter: {},
      resultCount: 1,
    },
  };
}
