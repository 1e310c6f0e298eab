import { z } from 'zod';

import { TENANT_ID_PATTERN } from '@caredispatch/platform';

import { type AppointmentTypeRule } from '../ranking/waitlist-ranking';

const credentialList = z.array(z.string().min(1).max(40)).max(50);

const HOUR_MINUTE = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

/** One tenant's waitlist policy. Every field has the practice-playbook default. */
export const tenantWaitlistSettingsSchema = z
  .object({
    /** A freed slot is offered only when it starts at least this far ahead. */
    minLeadMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(120),
    /** …and no further ahead than this. */
    horizonDays: z.number().int().min(1).max(90).default(14),
    /** How many patients one wave offers the slot to at once. */
    waveSize: z.number().int().min(1).max(100).default(2),
    /** How long an offer is held for its patient. */
    holdMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    /** A slot starting within this many hours gets no further wave: coordinators are alerted. */
    escalateWithinHours: z
      .number()
      .int()
      .min(0)
      .max(14 * 24)
      .default(24),
    /** Appointment type → required credentials and duration (the ranking's eligibility). */
    appointmentTypes: z
      .record(
        z.string().min(1).max(100),
        z
          .object({
            requiredCredentials: credentialList.default([]),
            durationMinutes: z
              .number()
              .int()
              .min(1)
              .max(24 * 60),
          })
          .strict(),
      )
      .default({}),
    /** Provider id → credentials, for providers whose freed slots the waitlist fills. */
    providerCredentials: z.record(z.string().min(1).max(100), credentialList).default({}),
    /**
     * Local hours (the slot's zone) in which waves go out: outside them a slot waits for the
     * next opening (nobody is texted at night), then offers if it is still ahead.
     */
    offerHours: z
      .object({ from: HOUR_MINUTE, until: HOUR_MINUTE })
      .strict()
      .refine(({ from, until }) => from < until, 'from must be before until')
      .default({ from: '08:00', until: '21:00' }),
    /** Home visits: farthest a waitlisted patient may be from the provider's base, in km. */
    maxHomeVisitKm: z.number().positive().max(500).default(40),
  })
  .strict();

export type TenantWaitlistSettings = z.output<typeof tenantWaitlistSettingsSchema>;

/** `WAITLIST_SETTINGS`: JSON `{ "<tenantId>": { …tenant settings } }`; other tenants get defaults. */
export const waitlistSettingsConfigSchema = z
  .string()
  .default('{}')
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().regex(TENANT_ID_PATTERN, 'tenant ids must be URL-safe'),
      tenantWaitlistSettingsSchema,
    ),
  );

export type WaitlistSettingsConfig = z.output<typeof waitlistSettingsConfigSchema>;

export const DEFAULT_TENANT_SETTINGS: TenantWaitlistSettings = tenantWaitlistSettingsSchema.parse(
  {},
);

export class WaitlistSettings {
  constructor(private readonly byTenant: WaitlistSettingsConfig) {}

  of(tenantId: string): TenantWaitlistSettings {
    return this.byTenant[tenantId] ?? DEFAULT_TENANT_SETTINGS;
  }

  typeRules(tenantId: string): ReadonlyMap<string, AppointmentTypeRule> {
    return new Map(Object.entries(this.of(tenantId).appointmentTypes));
  }
}
