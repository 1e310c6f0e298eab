import { type z } from 'zod';

/** Raised at start-up when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = ConfigError.name;
  }
}

/**
 * Parses the environment against a service's schema. Every problem names the variable,
 * so an operator can fix a bad deployment without reading code. Values are never echoed:
 * some of them are secrets.
 */
export function loadConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      return `${variable}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  return result.data as z.output<S>;
}
