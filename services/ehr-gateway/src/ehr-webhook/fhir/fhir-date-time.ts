import { DateTime, IANAZone } from 'luxon';

// FHIR instant/dateTime with a time part; seconds, fraction and offset are optional here
// because some EHRs send local wall-clock times (see parseAppointmentInstant).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?$/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:\d{2})$/;

/** Zones already found valid; bounded by the IANA database (invalid names are not kept). */
const validZones = new Set<string>();

export function isIanaTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  // Luxon accepts fixed-offset names such as "UTC+3"; only real IANA region names are
  // useful for rendering local times across DST changes, so check the shape too.
  // isValidZone builds an Intl.DateTimeFormat (about a millisecond), hence the cache.
  const valid = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) && IANAZone.isValidZone(zone);
  if (valid) validZones.add(zone);
  return valid;
}

/**
 * Parses an Appointment.start/end into a UTC instant. A value with an offset (or `Z`) is an
 * instant as FHIR requires. A value without one is taken as wall-clock time at the
 * location, in `timeZone`: a local time that does not exist (spring-forward gap) moves
 * forward by the gap, and an ambiguous one (fall-back) takes the earlier offset, which is
 * what Luxon does and what a receptionist means in practice.
 * Returns undefined when the value is not a date-time.
 */
export function parseAppointmentInstant(value: string, timeZone: string): Date | undefined {
  if (!DATE_TIME.test(value)) return undefined;
  const parsed = HAS_OFFSET.test(value)
    ? DateTime.fromISO(value, { setZone: true })
    : DateTime.fromISO(value, { zone: timeZone });
  return parsed.isValid ? parsed.toUTC().toJSDate() : undefined;
}
