/**
 * A fixed-offset IANA zone whose local hour is `localHour` at `now` (Etc/GMT signs are
 * inverted: Etc/GMT-3 is UTC+3). Lets a test exercise local-time rules (quiet hours) at a known
 * local time whatever time of day the suite runs.
 */
export function zoneAtLocalHour(localHour: number, now = new Date()): string {
  let offset = localHour - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  if (offset === 0) return 'Etc/GMT';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}
