import { DateTime } from 'luxon';

/** Local wall-clock hours in which waves go out, "HH:MM" each, `from` < `until`. */
export interface OfferHours {
  readonly from: string;
  readonly until: string;
}

/**
 * When a wave due at `now` may go out in the slot's zone: null when now lies in the offer hours
 * (go now), else the next opening — this morning's before it, tomorrow's after the evening
 * close. Wall-clock arithmetic goes through the zone's rules, so DST nights are right.
 */
export function nextOfferOpening(now: Date, timeZone: string, hours: OfferHours): Date | null {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  const opens = minuteOfDay(hours.from);
  const closes = minuteOfDay(hours.until);
  if (minute >= opens && minute < closes) return null;
  const day = minute < opens ? local : local.plus({ days: 1 });
  return day
    .set({ hour: Math.floor(opens / 60), minute: opens % 60, second: 0, millisecond: 0 })
    .toJSDate();
}

function minuteOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}
