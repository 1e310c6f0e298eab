import { z } from 'zod';

import { AuditError, AuditErrorCode } from '../audit-events.errors';

const identifier = (name: string) =>
  z
    .string({
      required_error: `${name} is required`,
      invalid_type_error: `${name} must be a single value`,
    })
    .trim()
    .min(1, `${name} is required`)
    .max(200, `${name} is too long`);

/**
 * The tenant is the access token's. A `tenantId` parameter is refused rather than ignored,
 * so a caller who still sends one learns it has no effect instead of trusting it does.
 */
const noTenantParameter = {
  tenantId: z
    .undefined({
      invalid_type_error: 'tenantId is not accepted: the tenant comes from the access token',
    })
    .optional(),
};

export const auditTrailQuerySchema = z.object({
  ...noTenantParameter,
  /** Either the EHR's appointment id or scheduling's uuid: both find the same trail. */
  appointmentId: identifier('appointmentId'),
});

export const chainVerificationQuerySchema = z.object(noTenantParameter);

export type AuditTrailQuery = z.output<typeof auditTrailQuerySchema>;
export type ChainVerificationQuery = z.output<typeof chainVerificationQuerySchema>;

export function parseQuery<S extends z.ZodTypeAny>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query);
  if (!result.success) {
    throw new AuditError(AuditErrorCode.InvalidQuery, 'Invalid query parameters', {
      issues: result.error.issues.map((issue) => issue.message),
    });
  }
  return result.data as z.output<S>;
}
