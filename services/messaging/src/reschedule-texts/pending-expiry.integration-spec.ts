import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import { inTenantTransaction, runRetentionTask } from '@caredispatch/kafka';
import { migrateDatabase, readWritePrivileges, serviceSchemaOf } from '@caredispatch/platform';
import { ThrowawayDatabase } from '@caredispatch/testing';

import { messagingDatabase } from '../entities';

import { pendingRescheduleExpiry } from './pending-expiry';

const HOUR_MS = 3_600_000;

describe(pendingRescheduleExpiry.name, () => {
  let database: ThrowawayDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('messaging_reschedule_expiry');
    await migrateDatabase({
      ...serviceSchemaOf(messagingDatabase),
      url: database.ownerUrl,
      applicationName: 'messaging-reschedule-expiry-test',
      runtimeRole: database.roles?.runtime,
      privileges: readWritePrivileges,
    });
    // The runtime role, as the service runs the retention job: row-level security applies.
    dataSource = new DataSource({ type: 'postgres', url: database.runtimeUrl, extra: { max: 2 } });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** A request as the consumer records it, `ageHours` ago, for a visit starting in `startsInHours`. */
  async function aRequest(
    tenantId: string,
    state: 'pending' | 'queued' | 'closed',
    ageHours: number,
    startsInHours: number,
  ): Promise<string> {
    const appointmentId = randomUUID();
    const now = Date.now();
    await inTenantTransaction(dataSource, tenantId, (manager) =>
      manager.query(
        `INSERT INTO reschedule_text (tenant_id, appointment_id, appointment_start, state,
                                      correlation_id, event_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
        [
          tenantId,
          appointmentId,
          new Date(now + startsInHours * HOUR_MS),
          state,
          randomUUID(),
          randomUUID(),
          new Date(now - ageHours * HOUR_MS),
        ],
      ),
    );
    return appointmentId;
  }

  async function stateOf(tenantId: string, appointmentId: string): Promise<string> {
    const [row] = await inTenantTransaction(dataSource, tenantId, (manager) =>
      manager.query<{ state: string }[]>(
        `SELECT state FROM reschedule_text WHERE tenant_id = $1 AND appointment_id = $2`,
        [tenantId, appointmentId],
      ),
    );
    return row.state;
  }

  it('should expire, in every tenant, pending requests whose visit has started or that outlived the maximum age, and leave the rest', async () => {
    const started = await aRequest('tenant-a', 'pending', 2, -1);
    const tooOld = await aRequest('tenant-b', 'pending', 30, 48);
    const waiting = await aRequest('tenant-a', 'pending', 2, 48);
    const queued = await aRequest('tenant-b', 'queued', 30, -1);
    const closed = await aRequest('tenant-a', 'closed', 30, -1);

    const sut = await runRetentionTask(dataSource, pendingRescheduleExpiry(24), 1);

    expect(sut).toBe(2);
    expect(await stateOf('tenant-a', started)).toBe('expired');
    expect(await stateOf('tenant-b', tooOld)).toBe('expired');
    expect(await stateOf('tenant-a', waiting)).toBe('pending');
    expect(await stateOf('tenant-b', queued)).toBe('queued');
    expect(await stateOf('tenant-a', closed)).toBe('closed');
  });

  it('should follow the configured age', async () => {
    const sixHoursOld = await aRequest('tenant-c', 'pending', 6, 48);

    await runRetentionTask(dataSource, pendingRescheduleExpiry(12), 100);
    const kept = await stateOf('tenant-c', sixHoursOld);
    await runRetentionTask(dataSource, pendingRescheduleExpiry(4), 100);

    expect(kept).toBe('pending');
    expect(await stateOf('tenant-c', sixHoursOld)).toBe('expired');
  });
});
