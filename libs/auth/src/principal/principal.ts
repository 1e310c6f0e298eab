import { type Role } from '../roles';

/** Who is calling, as the verified access token says. Never built from request input. */
export interface Principal {
  /** `user` for a person signed in at the IdP; `client` for a client-credentials token. */
  readonly kind: 'user' | 'client';
  /** The token's `sub` (for a machine client, its client id when the IdP sets no `sub`). */
  readonly subject: string;
  /** The tenant from the configured tenant claim: the only tenant this caller may touch. */
  readonly tenantId: string;
  readonly roles: readonly Role[];
  readonly scopes: readonly string[];
  /** Locations the caller is limited to; absent = every location of the tenant. */
  readonly locationIds?: readonly string[];
  /** The provider (clinician) id of a `provider` user: their own itinerary only. */
  readonly providerId?: string;
  /** The OAuth client that obtained the token (`client_id`, `azp` or `appid`). */
  readonly clientId?: string;
}

export function hasRole(principal: Principal, ...roles: readonly Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}
