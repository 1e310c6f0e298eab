import { z } from 'zod';

import { commonConfigShape, loadConfig } from '@caredispatch/platform';

import { waitlistSettingsConfigSchema } from './settings/waitlist-settings';

export const waitlistConfigSchema = z.object({
  ...commonConfigShape,
  HTTP_PORT: commonConfigShape.HTTP_PORT.default(3005),
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('waitlist'),
  /** Optional JSON tenantId → waitlist policy (waves, holds, type rules); others use defaults. */
  WAITLIST_SETTINGS: waitlistSettingsConfigSchema,
  /** How often expired holds are resolved and the next wave (or an escalation) goes out. */
  WAITLIST_SCAN_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
});

export type WaitlistConfig = z.output<typeof waitlistConfigSchema>;

export function loadWaitlistConfig(env: NodeJS.ProcessEnv = process.env): WaitlistConfig {
  return loadConfig(waitlistConfigSchema, env);
}
