import { randomUUID } from 'node:crypto';

import { DispatchHarness } from '../../test/dispatch-harness';

import { PlanScheduler } from './plan-scheduler';

describe(PlanScheduler.name, () => {
  const tenantId = `plan-schedule-${randomUUID().slice(0, 8)}`;
  // Sunday 2030-03-10 18:00 in New York: the weekly run (Sunday 17:00) is due.
  const harness = new DispatchHarness({}, new Date('2030-03-10T22:00:00Z'), [tenantId]);

  beforeAll(async () => {
    await harness.start();
    await harness.ok(
      'PUT',
      `/v1/tenants/${tenantId}/dispatch-settings`,
      { timeZone: 'America/New_York', nightlyRunTime: null },
      { roles: ['practice-admin'] },
    );
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('should store and publish one weekly plan when two replicas find it due together', async () => {
    const sut = harness.get(PlanScheduler);

    const started = await Promise.all([sut.runDue(), sut.runDue()]);

    const plans = await harness.query<{ kind: string }>(
      `SELECT kind FROM dispatch_plan WHERE tenant_id = $1`,
      [tenantId],
    );
    const [published] = await harness.query<{ count: string }>(
      `SELECT count(*) FROM outbox_message WHERE tenant_id = $1 AND event_type = 'DispatchPlanPublishedV1'`,
      [tenantId],
    );
    expect(started.sort()).toEqual([0, 1]);
    expect(plans).toEqual([{ kind: 'weekly' }]);
    expect(Number(published.count)).toBe(1);
  });
});
