import { z } from 'zod';

/** Tenant ids appear in URLs, Kafka keys and every row; keep them short and URL-safe. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** Longest practice name: it is part of every SMS, and SMS segments are short. */
export const PRACTICE_NAME_MAX_LENGTH = 60;

/**
 * A JSON object of tenantId → non-empty string from one variable, values trimmed. Issues name
 * the tenant and the rule, never a value (values may be secrets).
 */
export function tenantJsonMap(
  description: string,
  options: { maxValueLength?: number } = {},
): z.ZodEffects<z.ZodString, ReadonlyMap<string, string>, string> {
  return z.string().transform((raw, context): ReadonlyMap<string, string> => {
    const problem = (message: string): void => {
      context.addIssue({ code: z.ZodIssueCode.custom, message });
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problem(`must be a JSON object of ${description}`);
      return z.NEVER;
    }
    const entries = new Map<string, string>();
    for (const [tenantId, value] of Object.entries(parsed)) {
      if (!TENANT_ID_PATTERN.test(tenantId))
        problem(`tenant id "${tenantId}" must match ${TENANT_ID_PATTERN.source}`);
      else if (typeof value !== 'string' || value.trim() === '')
        problem(`value for tenant "${tenantId}" must be a non-empty string`);
      else if (options.maxValueLength !== undefined && value.trim().length > options.maxValueLength)
        problem(
          `value for tenant "${tenantId}" must be at most ${options.maxValueLength} characters`,
        );
      else entries.set(tenantId, value.trim());
    }
    return entries;
  });
}

/**
 * PRACTICE_NAMES: optional JSON tenantId → the practice name shown to patients, which wins over
 * the name the EHR sends. Unset or blank is an empty map. The one parser every service uses.
 */
export const practiceNamesSchema = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? '{}' : value))
  .pipe(tenantJsonMap('tenantId → practice name', { maxValueLength: PRACTICE_NAME_MAX_LENGTH }));
