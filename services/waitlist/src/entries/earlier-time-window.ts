import { DateTime } from 'luxon';

/**
 * The dates an "Ask for an earlier time" entry accepts, in the visit's zone: from today up to
 * the day before the visit. Entries match slots by local date, so the visit's own day is left
 * out — a time later that day would move the patient later, not earlier. A visit today (or
 * tomorrow, seen late at night elsewhere) leaves today only.
 */
export function earlierTimeWindow(
  now: Date,
  currentStart: Date,
  timeZone: string,
): { readonly earliestDate: string; readonly latestDate: string } {
  const today = DateTime.fromJSDate(now, { zone: timeZone });
  const visit = DateTime.fromJSDate(currentStart, { zone: timeZone });
  if (!today.isValid || !visit.isValid) throw new RangeError(`invalid time zone ${timeZone}`);
  const earliestDate = today.toISODate();
  const dayBefore = visit.minus({ days: 1 }).toISODate();
  return { earliestDate, latestDate: dayBefore > earliestDate ? dayBefore : earliestDate };
}
