import { z } from 'zod';

import { type ReminderSettings, reminderSettingsSchema } from './cadence-settings';

/**
 * REMINDER_SETTINGS: optional JSON tenantId → reminder settings (cadences, type mappings, caps);
 * tenants not named use the playbook. Interim source until the admin API stores them; every
 * value is validated as a whole and a bad one names its path, e.g. `t1.cadences.default.steps.0`.
 */
export const reminderSettingsConfigSchema = z
  .string()
  .optional()
  .transform((value, ctx): ReadonlyMap<string, ReminderSettings> => {
    if (value === undefined || value.trim() === '') return new Map();
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON (tenantId → settings)' });
      return z.NEVER;
    }
    const result = z.record(z.string().min(1), reminderSettingsSchema).safeParse(parsed);
    if (!result.success) {
      const [issue] = result.error.issues;
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${issue.path.join('.')}: ${issue.message}`,
      });
      return z.NEVER;
    }
    return new Map(Object.entries(result.data));
  });
