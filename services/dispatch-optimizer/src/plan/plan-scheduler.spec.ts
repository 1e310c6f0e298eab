import { TenantSettingsEntity } from '../settings/tenant-settings.entity';

import { dueRuns } from './plan-scheduler';

function settings(overrides: Partial<TenantSettingsEntity> = {}): TenantSettingsEntity {
  return Object.assign(new TenantSettingsEntity(), {
    tenantId: 't1',
    timeZone: 'America/New_York',
    weeklyRunDay: 'sun',
    weeklyRunTime: '17:00',
    weeklyPlanDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    nightlyRunTime: '18:00',
    mapsApiKey: null,
    mapsMonthlyElementBudget: 1000,
    updatedAt: new Date(0),
    ...overrides,
  });
}

describe(dueRuns.name, () => {
  it('should plan next Monday–Friday from Sunday 17:00 in the practice time zone', () => {
    // Sunday 2026-12-06 17:05 in New York = 22:05 UTC.
    const sut = dueRuns(settings(), new Date('2026-12-06T22:05:00Z'));

    expect(sut).toContainEqual({
      kind: 'weekly',
      days: ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11'],
    });
  });

  it('should not plan the week before the configured time', () => {
    expect(dueRuns(settings(), new Date('2026-12-06T21:55:00Z'))).toEqual([]);
  });

  it('should plan tomorrow from 18:00 on a working day eve, and nothing for a weekend day', () => {
    expect(dueRuns(settings(), new Date('2026-12-08T23:10:00Z'))).toEqual([
      { kind: 'nightly', days: ['2026-12-09'] },
    ]);
    // Friday 18:10 → Saturday is not a plan day.
    expect(dueRuns(settings(), new Date('2026-12-11T23:10:00Z'))).toEqual([]);
  });
});
