import type { Principal } from '@caredispatch/auth';
import { type NewEvent, PhiAccessAction } from '@caredispatch/contracts';

export { PhiAccessAction };

/** What one request read: ids and counts only, never the data itself. */
export interface PhiAccess {
  readonly action: PhiAccessAction;
  /** Route template, e.g. `GET /v1/tenants/:tenantId/appointments/:appointmentId`. */
  readonly route: string;
  /** FHIR-style type of what was returned, e.g. `Appointment`, `AuditEvent`. */
  readonly resourceType: string;
  readonly resourceIds?: readonly string[];
  readonly patientIds?: readonly string[];
  /** The validated filter of a search or export (ids and codes only). */
  readonly filter?: Readonly<Record<string, string>>;
  readonly resultCount: number;
}

/** Ids listed in one event; a larger page is still counted in full by `resultCount`. */
export const MAX_LISTED_IDS = 200;

/** The PhiAccessedV1 event for `access` by `principal`, in the principal's own tenant. */
export function phiAccessedEvent(
  principal: Principal,
  access: PhiAccess,
): NewEvent<'PhiAccessedV1'> {
  return {
    type: 'PhiAccessedV1',
    tenantId: principal.tenantId,
    // Keyed by the reader: one person's reads stay in order on one partition.
    aggregateId: principal.subject,
    payload: {
      accessor: {
        subject: principal.subject,
        clientId: principal.clientId ?? '',
        roles: [...principal.roles],
      },
      action: access.action,
      route: access.route,
      resourceType: access.resourceType,
      resourceIds: distinct(access.resourceIds).slice(0, MAX_LISTED_IDS),
      patientIds: distinct(access.patientIds).slice(0, MAX_LISTED_IDS),
      filter: { ...access.filter },
      resultCount: access.resultCount,
    },
  };
}

function distinct(ids: readonly string[] | undefined): string[] {
  return [...new Set((ids ?? []).filter((id) => id !== ''))];
}
