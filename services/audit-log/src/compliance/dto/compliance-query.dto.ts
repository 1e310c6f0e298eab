import { z } from 'zod';

const id = (name: string) =>
  z
    .string({ invalid_type_error: `${name} must be a single value` })
    .trim()
    .min(1, `${name} must not be empty`)
    .max(200, `${name} is too long`)
    .optional();

const instant = (name: string) =>
  z
    .string({ invalid_type_error: `${name} must be a single value` })
    .datetime({ offset: true, message: `${name} must be an ISO-8601 instant` })
    .transform((value) => new Date(value))
    .optional();

/** The filters of the compliance query and exports. The tenant is never a parameter. */
export const auditFilterSchema = z.object({
  patientId: id('patientId'),
  appointmentId: id('appointmentId'),
  eventType: id('eventType'),
  actor: id('actor'),
  /** Inclusive lower bound of occurred_at. */
  from: instant('from'),
  /** Exclusive upper bound of occurred_at. */
  to: instant('to'),
});

export type AuditFilter = z.output<typeof auditFilterSchema>;

export const auditSearchQuerySchema = auditFilterSchema.extend({
  cursor: z
    .string({ invalid_type_error: 'cursor must be a single value' })
    .regex(/^[1-9][0-9]{0,18}$/, 'cursor must be a cursor from a previous page')
    .optional(),
  limit: z.coerce
    .number({ invalid_type_error: 'limit must be a number' })
    .int('limit must be an integer')
    .min(1, 'limit must be at least 1')
    .max(500, 'limit must be at most 500')
    .default(100),
});

export const auditExportQuerySchema = auditFilterSchema.extend({
  /** Prove the exported events against the head of this size (default: the newest head). */
  treeSize: z.coerce
    .number({ invalid_type_error: 'treeSize must be a number' })
    .int('treeSize must be an integer')
    .positive('treeSize must be positive')
    .optional(),
});

/** The filter as written into the access record: ids and instants as text. */
export function filterForRecord(filter: AuditFilter): Record<string, string> {
  const recorded: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value instanceof Date) recorded[key] = value.toISOString();
    else if (typeof value === 'string') recorded[key] = value;
  }
  return recorded;
}
