import { type Principal, Role, RoleGroups } from '@caredispatch/auth';

/** Which appointments a caller may read: always one tenant, maybe one provider or some locations. */
export interface AppointmentReaderScope {
  readonly tenantId: string;
  /** Set for a caller who is only a provider: their own appointments. */
  readonly providerId?: string;
  /** Set when the token limits the caller to these locations. */
  readonly locationIds?: readonly string[];
}

/**
 * A provider sees only their own itinerary unless another reading role widens it; a token
 * with location ids limits any role to those locations. A provider token without a
 * provider id sees nothing (an empty id matches no appointment).
 */
export function readerScopeOf(principal: Principal): AppointmentReaderScope {
  const widerRoles = RoleGroups.appointmentReaders.filter((role) => role !== Role.Provider);
  const providerOnly = !principal.roles.some((role) =>
    (widerRoles as readonly Role[]).includes(role),
  );
  return {
    tenantId: principal.tenantId,
    ...(providerOnly && { providerId: principal.providerId ?? '' }),
    ...(principal.locationIds !== undefined && { locationIds: principal.locationIds }),
  };
}
