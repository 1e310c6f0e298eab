import { z } from 'zod';

import { localTime, weekdaySchema } from '../../roster/dto/roster.schemas';

const CREDENTIAL = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,49}$/;

const qualificationMappingSchema = z
  .object({
    /** Coding.system to match; '' (default) matches the code in any system. */
    system: z.string().trim().max(200).default(''),
    code: z.string().trim().min(1, 'is required').max(200),
    credentials: z
      .array(z.string().trim().regex(CREDENTIAL, 'must be a code of letters, digits, space, . _ -'))
      .min(1, 'needs at least one credential')
      .max(10),
  })
  .strict();

export const rosterImportMappingBodySchema = z
  .object({
    qualifications: z.array(qualificationMappingSchema).max(500),
    defaultWeeklyAvailability: z
      .array(
        z
          .object({ day: weekdaySchema, from: localTime, until: localTime })
          .strict()
          .refine((span) => span.from < span.until, {
            message: 'must end after it starts',
            path: ['until'],
          }),
      )
      .max(21)
      .default([
        { day: 'mon', from: '08:00', until: '17:00' },
        { day: 'tue', from: '08:00', until: '17:00' },
        { day: 'wed', from: '08:00', until: '17:00' },
        { day: 'thu', from: '08:00', until: '17:00' },
        { day: 'fri', from: '08:00', until: '17:00' },
      ]),
    maxHoursPerDay: z.number().positive('must be > 0').max(24, 'must be at most 24').default(8),
    maxHoursPerWeek: z.number().positive('must be > 0').max(168, 'must be at most 168').default(40),
  })
  .strict();

export type RosterImportMappingBody = z.output<typeof rosterImportMappingBodySchema>;
