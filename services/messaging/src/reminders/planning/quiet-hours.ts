import { DateTime } from 'luxon';

/** Local wall-clock window in which texts and emails may be sent, e.g. 08:00–21:00 (TCPA). */
export interface QuietHours {
  /** Minutes after local midnight at which sending may start (inclusive). */
  readonly allowedFromMinute: number;
  /** Minutes after local midnight at which sending must stop (exclusive). */
  readonly allowedUntilMinute: number;
}

export const DEFAULT_QUIET_HOURS: QuietHours = {
  allowedFromMinute: 8 * 60,
  allowedUntilMinute: 21 * 60,
};

/** The last moment still allowed before the window closes. */
const LAST_ALLOWED_BEFORE_CLOSE_MS = 60_000;

export function isWithinAllowedHours(instant: Date, timeZone: string, hours: QuietHours): boolean {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  return minute >= hours.allowedFromMinute && minute < hours.allowedUntilMinute;
}

/**
 * Moves a send that falls in quiet hours to the nearest allowed instant in [notBefore, before):
 * the next opening (e.g. 08:00 the same morning) or the previous closing (one minute before
 * 21:00 the evening before), whichever is closer. Null when neither lies in the range, i.e.
 * no allowed time remains before the visit — the send is dropped.
 * Wall-clock arithmetic goes through the zone's rules, so DST days are right.
 */
export function moveOutOfQuietHours(
  due: Date,
  timeZone: string,
  hours: QuietHours,
  range: { readonly notBefore: Date; readonly before: Date },
): Date | null {
  const inRange = (candidate: Date): boolean =>
    candidate.getTime() >= range.notBefore.getTime() &&
    candidate.getTime() < range.before.getTime();
  if (isWithinAllowedHours(due, timeZone, hours)) return inRange(due) ? due : null;

  const local = DateTime.fromJSDate(due, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  // Before the morning opening the previous close was yesterday; after the evening close it is today.
  const openingDay = minute < hours.allowedFromMinute ? local : local.plus({ days: 1 });
  const closingDay = minute < hours.allowedFromMinute ? local.minus({ days: 1 }) : local;
  const opening = atMinute(openingDay, hours.allowedFromMinute);
  const closing = new Date(
    atMinute(closingDay, hours.allowedUntilMinute).getTime() - LAST_ALLOWED_BEFORE_CLOSE_MS,
  );

  const candidates = [opening, closing]
    .filter(inRange)
    .sort((a, b) => Math.abs(a.getTime() - due.getTime()) - Math.abs(b.getTime() - due.getTime()));
  return candidates[0] ?? null;
}

function atMinute(day: DateTime, minuteOfDay: number): Date {
  return day
    .set({
      hour: Math.floor(minuteOfDay / 60),
      minute: minuteOfDay % 60,
      second: 0,
      millisecond: 0,
    })
    .toJSDate();
}
