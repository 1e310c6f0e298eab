import { z } from 'zod';

import {
  type Cadence,
  type CadenceStep,
  REMINDER_LANGUAGES,
  type ReminderLanguage,
} from './cadence';
import { DEFAULT_REMINDER_LIMITS, type ReminderLimits } from './reminder-plan';

/** A tenant's reminder configuration: what the admin API reads and replaces as a whole. */
export interface ReminderSettings {
  readonly limits: ReminderLimits;
  /** FHIR appointmentType / serviceType codings → cadence name; unmatched visits use `default`. */
  readonly typeMappings: readonly AppointmentTypeMapping[];
  readonly cadences: Readonly<Record<string, Cadence>>;
  /** Language for patients whose preferred language we do not ship (or do not know); absent = English. */
  readonly defaultLanguage?: ReminderLanguage;
}

export interface AppointmentTypeMapping {
  /** Coding system; absent matches the code in any system. */
  readonly system?: string;
  readonly code: string;
  readonly cadence: string;
}

export const DEFAULT_CADENCE = 'default';
const HOUR = 60;
const MAX_LEAD_MINUTES = 60 * 24 * HOUR;
const MONDAY = 1;

const emailThreeDaysBefore: CadenceStep = {
  key: 'email-72h',
  channel: 'email',
  timing: { kind: 'before', minutes: 72 * HOUR },
  template: 'reminder',
};
const smsDayBefore: CadenceStep = {
  key: 'sms-24h',
  channel: 'sms',
  timing: { kind: 'before', minutes: 24 * HOUR },
  template: 'reminder',
};
const smsMorningOf = (onlyWhen?: CadenceStep['onlyWhen']): CadenceStep => ({
  key: 'sms-morning',
  channel: 'sms',
  timing: { kind: 'local-time', daysBefore: 0, time: '07:30' },
  template: 'reminder-today',
  ...(onlyWhen ? { onlyWhen } : {}),
});

/**
 * The practice playbook: email 72 h + text 24 h for everyone; new-patient visits and Monday-morning
 * slots add a text on the morning of the visit; a short follow-up gets one text the day before.
 */
export const PLAYBOOK_SETTINGS: ReminderSettings = {
  limits: DEFAULT_REMINDER_LIMITS,
  typeMappings: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/v2-0276',
      code: 'ROUTINE',
      cadence: DEFAULT_CADENCE,
    },
    {
      system: 'http://terminology.hl7.org/CodeSystem/v2-0276',
      code: 'FOLLOWUP',
      cadence: 'follow-up',
    },
    { code: 'new-patient', cadence: 'new-patient' },
  ],
  cadences: {
    [DEFAULT_CADENCE]: {
      steps: [
        emailThreeDaysBefore,
        smsDayBefore,
        smsMorningOf({ weekdays: [MONDAY], startsBefore: '12:00' }),
      ],
    },
    'new-patient': { steps: [emailThreeDaysBefore, smsDayBefore, smsMorningOf()] },
    'follow-up': { steps: [smsDayBefore] },
  },
};

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:mm');
const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes');

const stepSchema = z
  .object({
    key: name,
    channel: z.enum(['sms', 'email']),
    timing: z.discriminatedUnion('kind', [
      z
        .object({
          kind: z.literal('before'),
          minutes: z.number().int().min(1).max(MAX_LEAD_MINUTES),
        })
        .strict(),
      z
        .object({
          kind: z.literal('local-time'),
          daysBefore: z.number().int().min(0).max(60),
          time: hhmm,
        })
        .strict(),
    ]),
    template: name,
    onlyWhen: z
      .object({
        weekdays: z.array(z.number().int().min(1).max(7)).min(1).optional(),
        startsBefore: hhmm.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const cadenceSchema = z
  .object({ steps: z.array(stepSchema).max(10) })
  .strict()
  .superRefine((cadence, ctx) => {
    const seen = new Set<string>();
    cadence.steps.forEach((step, index) => {
      if (seen.has(step.key)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['steps', index, 'key'],
          message: 'must be unique in the cadence',
        });
      }
      seen.add(step.key);
    });
  });

export const reminderSettingsSchema: z.ZodType<ReminderSettings> = z
  .object({
    // Tenants may tighten the FCC healthcare exemption's bounds (1 a day, 3 a week), never loosen them.
    limits: z
      .object({
        smsPerDay: z.number().int().min(1).max(1),
        smsPerWeek: z.number().int().min(1).max(3),
      })
      .strict(),
    typeMappings: z
      .array(
        z
          .object({ system: z.string().min(1).optional(), code: z.string().min(1), cadence: name })
          .strict(),
      )
      .max(200),
    cadences: z.record(name, cadenceSchema),
    defaultLanguage: z.enum(REMINDER_LANGUAGES).optional(),
  })
  .strict()
  .superRefine((settings, ctx) => {
    if (!(DEFAULT_CADENCE in settings.cadences)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['cadences', DEFAULT_CADENCE],
        message: 'is required',
      });
    }
    settings.typeMappings.forEach((mapping, index) => {
      if (!(mapping.cadence in settings.cadences)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['typeMappings', index, 'cadence'],
          message: `names no cadence ('${mapping.cadence}')`,
        });
      }
    });
  });

export type SettingsValidation =
  | { readonly ok: true; readonly settings: ReminderSettings }
  | { readonly ok: false; readonly field: string; readonly message: string };

/** Validates a replacement as a whole; the first problem is reported with its field path. */
export function validateReminderSettings(candidate: unknown): SettingsValidation {
  const parsed = reminderSettingsSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const [issue] = parsed.error.issues;
  return { ok: false, field: issue.path.join('.') || '(body)', message: issue.message };
}

/** A FHIR CodeableConcept's codings (appointmentType and serviceType) → the cadence to use. */
export function cadenceFor(
  settings: ReminderSettings,
  codings: readonly { readonly system?: string; readonly code?: string }[],
): { readonly name: string; readonly cadence: Cadence } {
  for (const coding of codings) {
    const mapping = settings.typeMappings.find(
      (candidate) =>
        candidate.code === coding.code &&
        (candidate.system === undefined || candidate.system === coding.system),
    );
    const cadence = mapping ? settings.cadences[mapping.cadence] : undefined;
    if (mapping && cadence) return { name: mapping.cadence, cadence };
  }
  return { name: DEFAULT_CADENCE, cadence: settings.cadences[DEFAULT_CADENCE] ?? { steps: [] } };
}
