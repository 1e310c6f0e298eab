import { z } from 'zod';

import { commonConfigShape, loadConfig } from '@caredispatch/platform';

export const auditLogConfigSchema = z.object({
  ...commonConfigShape,
  HTTP_PORT: commonConfigShape.HTTP_PORT.default(3006),
  /** Overridable so a test instance never shares partitions with a running service. */
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('audit-log'),
  /** Secret: bearer token for the audit API (stand-in until real authorization). Never logged. */
  AUDIT_API_TOKEN: z
    .string({ required_error: 'is required (bearer token for the audit API)' })
    .min(16, 'must be at least 16 characters'),
});

export type AuditLogConfig = z.output<typeof auditLogConfigSchema>;

export function loadAuditLogConfig(env: NodeJS.ProcessEnv = process.env): AuditLogConfig {
  return loadConfig(auditLogConfigSchema, env);
}
