import { z } from 'zod';

import { commonConfigShape, loadConfig } from '@caredispatch/platform';

export const waitlistConfigSchema = z.object({
  ...commonConfigShape,
  HTTP_PORT: commonConfigShape.HTTP_PORT.default(3005),
});

export type WaitlistConfig = z.output<typeof waitlistConfigSchema>;

export function loadWaitlistConfig(env: NodeJS.ProcessEnv = process.env): WaitlistConfig {
  return loadConfig(waitlistConfigSchema, env);
}
