import { z } from 'zod';

import { VISIT_MODES } from '../../plan/plan.model';
import { WEEKDAYS } from '../roster.model';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,49}$/;

export const localTime = z.string().regex(HH_MM, 'must be HH:MM (24 h)');
const text = (max: number) =>
  z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);
const code = z.string().trim().regex(CODE, 'must be a code of letters, digits, space, . _ -');
export const weekdaySchema = z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(', ')}` });
const instant = z.string().datetime({ offset: true, message: 'must be an ISO-8601 instant' });

export const coordinatesSchema = z.object({
  lat: z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90'),
  lon: z
    .number()
    .min(-180, 'must be between -180 and 180')
    .max(180, 'must be between -180 and 180'),
});

export const timeZoneSchema = z.string().refine(isTimeZone, 'must be an IANA time zone');

const span = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object({ ...shape, from: localTime, until: localTime })
    .refine(
      (value: { from?: string; until?: string }) => (value.from ?? '') < (value.until ?? ''),
      {
        message: 'must end after it starts',
        path: ['until'],
      },
    );

const channelSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('slack'),
      slackUserId: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id (U…)'),
    }),
    z.object({
      kind: z.literal('sms'),
      phoneE164: z.string().regex(E164, 'must be an E.164 phone number'),
    }),
    z.object({ kind: z.literal('email'), email: z.string().email('must be an email address') }),
  ],
  { errorMap: () => ({ message: 'kind must be one of slack, sms, email' }) },
);

export const providerBodySchema = z
  .object({
    displayName: text(120),
    credentials: z.array(code).min(1, 'needs at least one credential').max(20),
    homeBase: z.object({ address: text(300), coordinates: coordinatesSchema }),
    clinicIds: z.array(code).max(50).default([]),
    weeklyAvailability: z.array(span({ day: weekdaySchema })).max(21),
    availabilityExceptions: z
      .array(
        z
          .object({
            kind: z.enum(['unavailable', 'available'], {
              message: 'must be unavailable or available',
            }),
            from: instant,
            until: instant,
            reason: z.string().trim().max(200).default(''),
          })
          .refine((value) => Date.parse(value.from) < Date.parse(value.until), {
            message: 'must end after it starts',
            path: ['until'],
          }),
      )
      .max(200)
      .default([]),
    maxHoursPerDay: z.number().positive('must be > 0').max(24, 'must be at most 24'),
    maxHoursPerWeek: z.number().positive('must be > 0').max(168, 'must be at most 168'),
    delivery: z.object({
      channel: channelSchema,
      // Quiet times may wrap past midnight (21:00–07:00), so no ordering rule.
      quietTimes: z
        .array(z.object({ days: z.array(weekdaySchema).min(1), from: localTime, until: localTime }))
        .max(14)
        .default([]),
      timeZone: timeZoneSchema,
    }),
    active: z.boolean().default(true),
  })
  .strict();

export type ProviderBody = z.output<typeof providerBodySchema>;

export const appointmentTypeRuleBodySchema = z
  .object({
    requiredCredentials: z.array(code).max(10),
    visitMode: z.enum(VISIT_MODES, { message: 'must be clinic or home' }),
    defaultDurationMinutes: z
      .number()
      .int('must be whole minutes')
      .min(5, 'must be at least 5')
      .max(720, 'must be at most 720'),
    priority: z.number().int('must be an integer').min(1, 'must be at least 1').max(100),
  })
  .strict();

export type AppointmentTypeRuleBody = z.output<typeof appointmentTypeRuleBodySchema>;

export const clinicBodySchema = z
  .object({
    name: text(120),
    address: text(300),
    coordinates: coordinatesSchema,
    /** The EHR's location ids (FHIR Location ids) whose appointments are held here; scheduling's own location uuids also match. */
    locationIds: z.array(text(100)).max(50).default([]),
    openingHours: z
      .array(span({ days: z.array(weekdaySchema).min(1, 'needs at least one day') }))
      .min(1, 'needs at least one span')
      .max(14),
    blocks: z
      .array(span({ name: code }))
      .min(1, 'needs at least one block')
      .max(6)
      .default([
        { name: 'AM', from: '08:00', until: '12:00' },
        { name: 'PM', from: '13:00', until: '17:00' },
      ]),
  })
  .strict();

export type ClinicBody = z.output<typeof clinicBodySchema>;

export const tenantSettingsBodySchema = z
  .object({
    timeZone: timeZoneSchema,
    weeklyRunDay: weekdaySchema.default('sun'),
    weeklyRunTime: localTime.default('17:00'),
    weeklyPlanDays: z.array(weekdaySchema).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    /** null turns the nightly run off. */
    nightlyRunTime: localTime.nullable().default('18:00'),
    /** Daily roster import from the EHR at this local time; null (the default) turns it off. */
    rosterImportTime: localTime.nullable().default(null),
    mapsApiKey: z
      .string()
      .trim()
      .min(10, 'must be a Google Maps API key')
      .max(200)
      .nullable()
      .default(null),
    mapsMonthlyElementBudget: z.number().int().min(0, 'must be ≥ 0').default(100_000),
    /** Write assignments that change a visit's practitioner back to the EHR; off by default. */
    ehrWriteBack: z.boolean().default(false),
  })
  .strict();

export type TenantSettingsBody = z.output<typeof tenantSettingsBodySchema>;

function isTimeZone(value: string): boolean {
  if (value === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
