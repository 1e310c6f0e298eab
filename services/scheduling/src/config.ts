import { z } from 'zod';

import { commonConfigShape, loadConfig, phiConfigShape } from '@caredispatch/platform';

export const schedulingConfigSchema = z.object({
  ...commonConfigShape,
  ...phiConfigShape,
  HTTP_PORT: commonConfigShape.HTTP_PORT.default(3002),
  /** Overridable so a test instance never shares partitions with a running service. */
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('scheduling'),
  /** Contact data of patients without an appointment in this many days is dropped. */
  PATIENT_CONTACT_RETENTION_DAYS: z.coerce.number().int().positive().default(365),
});

export type SchedulingConfig = z.output<typeof schedulingConfigSchema>;

export function loadSchedulingConfig(env: NodeJS.ProcessEnv = process.env): SchedulingConfig {
  return loadConfig(schedulingConfigSchema, env);
}
