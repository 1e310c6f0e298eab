import { NotFoundException } from '@nestjs/common';

import { type Principal } from './principal';

/**
 * Checks a tenant named in the path against the token's tenant and returns the token's.
 *
 * A mismatch is answered 404, exactly like a tenant or resource that does not exist: a 403
 * would confirm to tenant A's caller that tenant B exists (and, for /tenants/B/appointments/X,
 * that X does). Handlers keep querying with the returned tenant, never the path's.
 */
export function requireTenant(
  principal: Principal,
  pathTenantId: string,
  /** The error the route uses for a missing resource, so the two answers are byte-identical. */
  notFound: () => Error = () => new NotFoundException('Not found'),
): string {
  if (pathTenantId !== principal.tenantId) throw notFound();
  return principal.tenantId;
}
