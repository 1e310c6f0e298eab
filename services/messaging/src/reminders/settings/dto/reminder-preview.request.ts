import { z } from 'zod';

import { REMINDER_LANGUAGES } from '../../planning/cadence';

/** A hypothetical appointment to preview a tenant's plan for. */
export const reminderPreviewSchema = z
  .object({
    start: z.string().datetime({ offset: true, message: 'must be an ISO 8601 instant' }),
    timeZone: z.string().refine(isIanaZone, { message: 'must be an IANA time zone' }),
    appointmentTypeCode: z.string().min(1).max(200).optional(),
    language: z.enum(REMINDER_LANGUAGES).default('en'),
    smsConsent: z.boolean().default(true),
    hasEmail: z.boolean().default(true),
  })
  .strict();

export type ReminderPreviewRequest = z.output<typeof reminderPreviewSchema>;

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
