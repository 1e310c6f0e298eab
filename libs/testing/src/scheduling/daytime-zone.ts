import { DateTime } from 'luxon';

const CANDIDATE_ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Pacific/Honolulu',
  'Europe/Madrid',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'America/Sao_Paulo',
];

/**
 * A location time zone in which the next `windowMinutes` lie inside reminder hours (08:00–21:00
 * local, the playbook's quiet hours inverted), so real-time reminder tests are not moved by them.
 */
export function daytimeZone(windowMinutes = 10, now = new Date()): string {
  const instants = [0, windowMinutes / 2, windowMinutes].map(
    (minutes) => new Date(now.getTime() + minutes * 60_000),
  );
  const zone = CANDIDATE_ZONES.find((candidate) =>
    instants.every((instant) => {
      const local = DateTime.fromJSDate(instant, { zone: candidate });
      return local.hour >= 8 && local.hour < 21;
    }),
  );
  if (!zone) throw new Error('no candidate zone is in daytime now');
  return zone;
}

/** A zone in which it is night (quiet hours) for the next `windowMinutes`. */
export function nighttimeZone(windowMinutes = 10, now = new Date()): string {
  const instants = [0, windowMinutes / 2, windowMinutes].map(
    (minutes) => new Date(now.getTime() + minutes * 60_000),
  );
  const zone = CANDIDATE_ZONES.find((candidate) =>
    instants.every((instant) => {
      const local = DateTime.fromJSDate(instant, { zone: candidate });
      return local.hour >= 0 && local.hour < 6;
    }),
  );
  if (!zone) throw new Error('no candidate zone is in the night now');
  return zone;
}
