import { DateTime } from 'luxon';

import { type DeliveryPreferences, type QuietTime, WEEKDAYS } from '../roster/roster.model';

/** Enough to walk through any chain of back-to-back quiet times (at most 14 per provider, 7 days). */
const MAX_HOPS = 32;

/**
 * When an itinerary may reach the provider: now, or the end of the quiet time now falls in (and of
 * any quiet time that follows on without a gap). A quiet time is read in the provider's zone on
 * the weekday it starts; `from` > `until` wraps past midnight; `until` 23:59 means through the
 * end of the day, so `sat 00:00–23:59` + `sun 00:00–23:59` is one quiet weekend.
 *
 * Urgent (sent through quiet time): a revised itinerary for a day that has already begun in the
 * provider's zone — a same-day change (a call-out re-plan) is news the provider needs now.
 */
export function deliverableAt(
  now: Date,
  preferences: Pick<DeliveryPreferences, 'quietTimes' | 'timeZone'>,
  delivery: { readonly revised: boolean; readonly days: readonly string[] },
): Date {
  const local = DateTime.fromJSDate(now, { zone: preferences.timeZone });
  const today = local.toISODate() ?? '';
  if (delivery.revised && delivery.days.some((day) => day <= today)) return now;
  let at: DateTime = local;
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    const end = quietEndCovering(at, preferences.quietTimes);
    if (end === null) break;
    at = end;
  }
  return at.toJSDate();
}

/** The end of a quiet time that covers `at` (`[start, end)`), the latest if several do; else null. */
function quietEndCovering(at: DateTime, quietTimes: readonly QuietTime[]): DateTime | null {
  let latest: DateTime | null = null;
  // A window that started yesterday may still run (wrapping past midnight).
  for (const startDay of [at.minus({ days: 1 }).startOf('day'), at.startOf('day')]) {
    const weekday = WEEKDAYS[startDay.weekday - 1];
    for (const quiet of quietTimes) {
      if (!quiet.days.includes(weekday)) continue;
      const start = atLocalTime(startDay, quiet.from);
      let end =
        quiet.until === '23:59' ? startDay.plus({ days: 1 }) : atLocalTime(startDay, quiet.until);
      if (end <= start) end = atLocalTime(startDay.plus({ days: 1 }), quiet.until);
      if (at >= start && at < end && (latest === null || end > latest)) latest = end;
    }
  }
  return latest;
}

/** Wall-clock time on that day (set, not added: a DST change that day does not shift it). */
function atLocalTime(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}
