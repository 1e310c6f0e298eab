import { type z } from 'zod';

import { type Principal, requireTenant } from '@caredispatch/auth';
import { TENANT_ID_PATTERN } from '@caredispatch/platform';

import { DispatchError, DispatchErrorCode } from '../dispatch.errors';

/**
 * Validates a request part against `schema`; a failure is a 400 naming every offending field
 * as a path (`weeklyAvailability.2.from: must be HH:MM`). Nothing is applied on failure.
 */
export function parseRequest<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  part = 'body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const path = issue.path.join('.');
      return `${path === '' ? part : path}: ${issue.message}`;
    });
    throw new DispatchError(DispatchErrorCode.InvalidRequest, `Invalid ${part}: ${issues[0]}`, {
      issues,
    });
  }
  return result.data as z.output<S>;
}

export function parseTenantId(tenantId: string): string {
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    throw new DispatchError(DispatchErrorCode.InvalidRequest, 'Invalid path: tenantId', {
      issues: [`tenantId: must match ${TENANT_ID_PATTERN.source}`],
    });
  }
  return tenantId;
}

/** The route's resource missing; also the answer for another tenant's path (byte-identical). */
export function notFound(code: DispatchErrorCode, message: string): () => DispatchError {
  return () => new DispatchError(code, message);
}

/**
 * The tenant a request acts for: always the token's, and only when the path names it — another
 * tenant's path answers like the route's own "not found".
 */
export function tenantOf(
  principal: Principal,
  pathTenantId: string,
  notFoundError: () => Error = notFound(DispatchErrorCode.NotFound, 'Not found'),
): string {
  return parseTenantId(requireTenant(principal, pathTenantId, notFoundError));
}
