import { z } from 'zod';

import { commonConfigShape, loadConfig } from '@caredispatch/platform';

export const dispatchOptimizerConfigSchema = z.object({
  ...commonConfigShape,
  HTTP_PORT: commonConfigShape.HTTP_PORT.default(3004),
});

export type DispatchOptimizerConfig = z.output<typeof dispatchOptimizerConfigSchema>;

export function loadDispatchOptimizerConfig(
  env: NodeJS.ProcessEnv = process.env,
): DispatchOptimizerConfig {
  return loadConfig(dispatchOptimizerConfigSchema, env);
}
