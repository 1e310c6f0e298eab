import { z } from 'zod';

import { commonConfigShape, loadConfig } from '@caredispatch/platform';

export const auditLogConfigSchema = z.object({
  ...commonConfigShape,
  HTTP_PORT: commonConfigShape.HTTP_PORT.default(3006),
  /** Overridable so a test instance never shares partitions with a running service. */
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('audit-log'),
});

export type AuditLogConfig = z.output<typeof auditLogConfigSchema>;

export function loadAuditLogConfig(env: NodeJS.ProcessEnv = process.env): AuditLogConfig {
  return loadConfig(auditLogConfigSchema, env);
}
