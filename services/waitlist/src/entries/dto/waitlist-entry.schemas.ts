import { z } from 'zod';

const ID = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1–100 letters, digits, . _ -');
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
const DATE = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'must be a real date');

/** `POST …/waitlist/entries`: a staff member puts a patient on the waitlist. */
export const waitlistEntryBodySchema = z
  .object({
    /** scheduling's patient uuid. */
    patientId: z.string().uuid('must be a UUID'),
    /**
     * The EHR's logical id of the patient (FHIR Patient.id: 1–64 letters, digits, - and .), so
     * an acceptance can be booked in the EHR. Optional: without it staff book the fill.
     */
    ehrPatientId: z
      .string()
      .regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id (1–64 letters, digits, - .)')
      .optional(),
    appointmentTypeCode: ID,
    providerIds: z.array(ID).max(50).default([]),
    locationIds: z.array(ID).max(50).default([]),
    earliestDate: DATE,
    latestDate: DATE,
    weekdays: z.array(z.number().int().min(1).max(7)).max(7).default([]),
    timesOfDay: z
      .array(
        z
          .object({ from: HHMM, until: HHMM })
          .strict()
          .refine(({ from, until }) => from < until, 'from must be before until'),
      )
      .max(6)
      .default([]),
    urgency: z.enum(['routine', 'soon', 'urgent']).default('routine'),
    /** Channels the patient agreed to be contacted on for offers; empty = never offered. */
    channels: z.array(z.enum(['sms', 'email'])).max(2),
    home: z
      .object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
      .strict()
      .optional(),
  })
  .strict()
  .refine(({ earliestDate, latestDate }) => earliestDate <= latestDate, {
    path: ['latestDate'],
    message: 'must not be before earliestDate',
  });

export type WaitlistEntryBody = z.output<typeof waitlistEntryBodySchema>;
