import { randomUUID } from 'node:crypto';

import { DispatchHarness } from '../../test/dispatch-harness';

import { RosterImportScheduler } from './roster-import.scheduler';

import type { RosterImportView } from './roster-import.service';

const PRACTICE_ADMIN = { roles: ['practice-admin'] };

describe(RosterImportScheduler.name, () => {
  const tenantId = `roster-schedule-${randomUUID().slice(0, 8)}`;
  const otherTenantId = `roster-schedule-off-${randomUUID().slice(0, 8)}`;
  // Monday 2030-03-11 00:30 in New York.
  const harness = new DispatchHarness({}, new Date('2030-03-11T04:30:00Z'), [
    tenantId,
    otherTenantId,
  ]);
  let sut: RosterImportScheduler;

  beforeAll(async () => {
    await harness.start();
    sut = harness.get(RosterImportScheduler);
  });

  afterAll(async () => {
    await harness.stop();
  });

  function putSettings(tenant: string, body: Record<string, unknown>) {
    return harness.request(
      'PUT',
      `/v1/tenants/${tenant}/dispatch-settings`,
      { timeZone: 'America/New_York', ...body },
      PRACTICE_ADMIN,
    );
  }

  async function scheduledImports(
    tenant: string,
  ): Promise<{ import_id: string; scheduled_for: string }[]> {
    return harness.query(
      `SELECT import_id, to_char(scheduled_for, 'YYYY-MM-DD') AS scheduled_for
         FROM dispatch_roster_import WHERE tenant_id = $1 ORDER BY scheduled_for`,
      [tenant],
    );
  }

  async function requestsPublished(tenant: string): Promise<number> {
    const [row] = await harness.query<{ count: string }>(
      `SELECT count(*) FROM outbox_message WHERE tenant_id = $1 AND event_type = 'RosterImportRequestedV1'`,
      [tenant],
    );
    return Number(row.count);
  }

  it('should be off by default and refuse a time that is not HH:MM, naming the field', async () => {
    const defaults = await putSettings(otherTenantId, {});
    const bad = await putSettings(tenantId, { rosterImportTime: '25:00' });

    expect(defaults.body).toMatchObject({ rosterImportTime: null });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: { details: { issues: ['rosterImportTime: must be HH:MM (24 h)'] } },
    });
  });

  it('should import once a day from the configured local time however many replicas find it due', async () => {
    expect((await putSettings(tenantId, { rosterImportTime: '02:00' })).status).toBe(200);
    await sut.runDue();
    const beforeTime = await scheduledImports(tenantId);

    // 02:05 in New York: two replicas' passes at once, then a later pass of the same day.
    harness.clock.set(new Date('2030-03-11T06:05:00Z'));
    const started = await Promise.all([sut.runDue(), sut.runDue()]);
    harness.clock.set(new Date('2030-03-11T23:00:00Z'));
    await sut.runDue();

    expect(beforeTime).toEqual([]);
    expect(started.sort()).toEqual([0, 1]);
    expect((await scheduledImports(tenantId)).map((row) => row.scheduled_for)).toEqual([
      '2030-03-11',
    ]);
    expect(await requestsPublished(tenantId)).toBe(1);
    expect(await scheduledImports(otherTenantId)).toEqual([]);
    expect(await requestsPublished(otherTenantId)).toBe(0);
  });

  it('should import again the next day and show the import as scheduled for its day', async () => {
    harness.clock.set(new Date('2030-03-12T06:01:00Z'));

    await sut.runDue();

    const imports = await scheduledImports(tenantId);
    expect(imports.map((row) => row.scheduled_for)).toEqual(['2030-03-11', '2030-03-12']);
    expect(await requestsPublished(tenantId)).toBe(2);
    const shown = await harness.ok<RosterImportView>(
      'GET',
      `/v1/tenants/${tenantId}/roster-imports/${imports[1].import_id}`,
      undefined,
      PRACTICE_ADMIN,
    );
    expect(shown).toMatchObject({ status: 'requested', scheduledFor: '2030-03-12' });
  });

  it('should stop importing once the schedule is turned off', async () => {
    await putSettings(tenantId, { rosterImportTime: null });
    harness.clock.set(new Date('2030-03-13T06:01:00Z'));

    await sut.runDue();

    expect(await scheduledImports(tenantId)).toHaveLength(2);
  });
});
