import { z } from 'zod';

import { commonConfigShape, loadConfig, secretString } from '@caredispatch/platform';

export const auditLogConfigSchema = z.object({
  ...commonConfigShape,
  HTTP_PORT: commonConfigShape.HTTP_PORT.default(3006),
  /** Overridable so a test instance never shares partitions with a running service. */
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('audit-log'),
  /** Bearer token for the audit API (stand-in until real authorization). */
  AUDIT_API_TOKEN: secretString({ description: 'bearer token for the audit API', minLength: 16 }),
});

export type AuditLogConfig = z.output<typeof auditLogConfigSchema>;

export function loadAuditLogConfig(env: NodeJS.ProcessEnv = process.env): AuditLogConfig {
  return loadConfig(auditLogConfigSchema, env);
}
