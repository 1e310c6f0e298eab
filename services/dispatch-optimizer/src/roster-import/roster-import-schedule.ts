import { DateTime } from 'luxon';

import type { TenantSettingsEntity } from '../settings/tenant-settings.entity';

/**
 * The practice-local day whose scheduled roster import is due at `now`, or null: due from the
 * tenant's `rosterImportTime` until the end of that local day (a replica that was down at the
 * time catches up later the same day), never when the schedule is off.
 */
export function dueRosterImportDay(
  settings: Pick<TenantSettingsEntity, 'timeZone' | 'rosterImportTime'>,
  now: Date,
): string | null {
  if (settings.rosterImportTime === null) return null;
  const local = DateTime.fromJSDate(now, { zone: settings.timeZone });
  if (local.toFormat('HH:mm') < settings.rosterImportTime) return null;
  return local.toISODate();
}
