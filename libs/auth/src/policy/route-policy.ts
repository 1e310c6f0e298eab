import { applyDecorators, SetMetadata } from '@nestjs/common';

import { type Role } from '../roles';

export const ROUTE_POLICY = 'caredispatch:route-policy';

export interface AuthorizeOptions {
  /** The principal needs at least one of these roles. */
  roles: readonly [Role, ...Role[]];
  /** The principal needs every one of these scopes (OAuth `scope`/`scp`). */
  scopes?: readonly string[];
}

export type RoutePolicy =
  | { kind: 'authenticated'; roles: readonly Role[]; scopes: readonly string[] }
  | { kind: 'public'; reason: string };

/**
 * The route requires a valid access token whose principal has one of `roles` (and all
 * `scopes`). On a controller it covers every route; a route's own decorator wins.
 */
export function Authorize(options: AuthorizeOptions): ClassDecorator & MethodDecorator {
  const policy: RoutePolicy = {
    kind: 'authenticated',
    roles: [...options.roles],
    scopes: [...(options.scopes ?? [])],
  };
  return applyDecorators(SetMetadata(ROUTE_POLICY, policy));
}

/**
 * The route answers without a token. `reason` says what protects it instead (a webhook
 * signature, nothing sensitive, …); every public route is also listed in the reviewed
 * PUBLIC_ROUTES constant that the route-policy test compares against.
 */
export function PublicRoute(reason: string): ClassDecorator & MethodDecorator {
  if (reason.trim().length === 0) throw new Error('@PublicRoute needs a reason');
  const policy: RoutePolicy = { kind: 'public', reason };
  return applyDecorators(SetMetadata(ROUTE_POLICY, policy));
}
