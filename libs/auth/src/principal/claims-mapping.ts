import { type JWTPayload } from 'jose';

import { isRole } from '../roles';

import { type Principal } from './principal';

/** Where an IdP puts what we need (see libs/auth/README.md for Keycloak, Okta, Entra ID, Auth0). */
export interface ClaimNames {
  readonly tenant: string;
  readonly roles: string;
  readonly locations: string;
  readonly provider: string;
}

export class ClaimsError extends Error {
  override readonly name = ClaimsError.name;
}

/**
 * Turns verified claims into a Principal. A claim name is first tried as a literal key
 * (Auth0's namespaced `https://example.com/tenant_id` contains dots), then as a dotted path
 * (Keycloak's `realm_access.roles`).
 */
export function principalFromClaims(claims: JWTPayload, names: ClaimNames): Principal {
  const tenantId = claimAt(claims, names.tenant);
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new ClaimsError(`token has no ${names.tenant} claim`);
  }
  const clientId = firstString(claims.client_id, claims.azp, claims.appid);
  const subject = firstString(claims.sub, clientId);
  if (subject === undefined) throw new ClaimsError('token has neither sub nor client_id');
  const locationIds = stringList(claimAt(claims, names.locations));
  const providerId = claimAt(claims, names.provider);
  return {
    kind:
      clientId !== undefined && (claims.sub === undefined || claims.sub === clientId)
        ? 'client'
        : 'user',
    subject,
    tenantId,
    roles: stringList(claimAt(claims, names.roles))?.filter(isRole) ?? [],
    scopes: stringList(claims.scope ?? claims.scp) ?? [],
    ...(locationIds !== undefined && { locationIds }),
    ...(typeof providerId === 'string' && providerId.length > 0 && { providerId }),
    ...(clientId !== undefined && { clientId }),
  };
}

export function claimAt(claims: JWTPayload, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let current: unknown = claims;
  for (const segment of name.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A JSON array of strings or one space-separated string (`scope`, Entra's `scp`). */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(' ').filter((item) => item.length > 0);
  if (Array.isArray(value)) {
    return value.filter((item): item is string => typeof item === 'string' && item.length > 0);
  }
  return undefined;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value.length > 0);
}
