import { z } from 'zod';

import {
  REMINDER_LANGUAGES,
  type ReminderChannel,
  type ReminderLanguage,
} from '../planning/cadence';

import {
  checkTemplate,
  type EmailTemplate,
  type SmsTemplate,
  templateKey,
  type TemplateOverrides,
} from './reminder-templates';

/**
 * One tenant override of a shipped template: for a channel, an appointment type (the cadence its
 * EHR codes map to, or `default` for every type without its own), a language and a template name
 * (a cadence step's `template`, e.g. `reminder`, `reminder-today`).
 */
export type TemplateOverride =
  | (OverrideKey & { readonly channel: 'sms' } & SmsTemplate)
  | (OverrideKey & { readonly channel: 'email' } & EmailTemplate);

interface OverrideKey {
  readonly channel: ReminderChannel;
  readonly appointmentType: string;
  readonly language: ReminderLanguage;
  readonly name: string;
}

const MAX_OVERRIDES = 200;
const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes');
const key = {
  appointmentType: name,
  language: z.enum(REMINDER_LANGUAGES),
  name,
};

export const templateOverrideSchema: z.ZodType<TemplateOverride> = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('sms'), ...key, body: z.string().min(1).max(640) }).strict(),
  z
    .object({
      channel: z.literal('email'),
      ...key,
      subject: z.string().min(1).max(300),
      text: z.string().min(1).max(10_000),
      html: z.string().min(1).max(20_000),
    })
    .strict(),
]);

const overridesSchema = z
  .object({ templates: z.array(templateOverrideSchema).max(MAX_OVERRIDES) })
  .strict();

export type TemplateOverridesValidation =
  | { readonly ok: true; readonly templates: readonly TemplateOverride[] }
  | { readonly ok: false; readonly field: string; readonly message: string };

/**
 * Validates a tenant's replacement set as a whole: the shape, one override per key, and every
 * template through the template library (ICU MessageFormat parses, only known placeholders, no
 * location in a text, and a text with the longest values and link fits one GSM-7 segment). The
 * first problem is reported with its field path, e.g. `templates.2.body`.
 */
export function validateTemplateOverrides(candidate: unknown): TemplateOverridesValidation {
  const parsed = overridesSchema.safeParse(candidate);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    return { ok: false, field: issue.path.join('.') || '(body)', message: issue.message };
  }
  const seen = new Set<string>();
  for (const [index, override] of parsed.data.templates.entries()) {
    const overrideKey = keyOf(override);
    if (seen.has(overrideKey)) {
      return {
        ok: false,
        field: `templates.${index}`,
        message: `repeats the template for ${overrideKey}`,
      };
    }
    seen.add(overrideKey);
    const problem = checkTemplate(override.channel, override.language, templateOf(override));
    if (problem) {
      return { ok: false, field: `templates.${index}.${problem.field}`, message: problem.message };
    }
  }
  return { ok: true, templates: parsed.data.templates };
}

/** The lookup rendering uses (see resolveSmsTemplate / resolveEmailTemplate). */
export function overridesMap(templates: readonly TemplateOverride[]): TemplateOverrides {
  return new Map(templates.map((override) => [keyOf(override), templateOf(override)]));
}

function keyOf(override: TemplateOverride): string {
  return templateKey(override.channel, override.appointmentType, override.language, override.name);
}

function templateOf(override: TemplateOverride): SmsTemplate | EmailTemplate {
  return override.channel === 'sms'
    ? { body: override.body }
    : { subject: override.subject, text: override.text, html: override.html };
}
