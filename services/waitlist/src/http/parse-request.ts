import { type z } from 'zod';

import { type Principal, requireTenant } from '@caredispatch/auth';
import { TENANT_ID_PATTERN } from '@caredispatch/platform';

import { WaitlistError, WaitlistErrorCode } from '../waitlist.errors';

/**
 * Validates a request part; a failure is a 400 naming every offending field as a path
 * (`timesOfDay.0.from: must be HH:MM`). Nothing is applied on failure.
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
    throw new WaitlistError(WaitlistErrorCode.InvalidRequest, `Invalid ${part}: ${issues[0]}`, {
      issues,
    });
  }
  return result.data as z.output<S>;
}

/** The token's tenant, when the path names it; another tenant's path answers like "not found". */
export function tenantOf(
  principal: Principal,
  pathTenantId: string,
  notFoundError: () => Error,
): string {
  const tenantId = requireTenant(principal, pathTenantId, notFoundError);
  if (!TENANT_ID_PATTERN.test(tenantId)) throw notFoundError();
  return tenantId;
}
