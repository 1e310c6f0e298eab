import { randomUUID } from 'node:crypto';

import { inTenantTransaction } from '@caredispatch/kafka';
import { waitFor } from '@caredispatch/testing';

import { WaitlistHarness } from '../../test/waitlist-harness';

import type { EntryView } from '../entries/waitlist-entry.service';
import type { FreedSlotEntity } from './freed-slot.entity';
import type { FreedTime } from './freed-slot.service';

/**
 * Two slots freed at the same moment rank the same patients. A patient holds one open offer at a
 * time, so the wave that commits second must skip the patient the first one claimed — without
 * failing its transaction on the unique index (a retry, and an ERROR in the logs, per race) — and
 * offer its slot to the next patient instead.
 */
describe('two waves claiming the same waiting patient', () => {
  // Monday 2030-03-11 09:00 in New York; both freed times are three days ahead.
  const now = new Date('2030-03-11T13:00:00Z');
  const tenant = `it-${randomUUID().slice(0, 8)}`;
  const alone = `it-${randomUUID().slice(0, 8)}`;
  const settings = {
    appointmentTypes: { 'follow-up': { requiredCredentials: ['MD'], durationMinutes: 30 } },
    providerCredentials: { 'dr-a': ['MD'] },
    waveSize: 1,
    holdMinutes: 15,
  };
  const harness = new WaitlistHarness(now, { [tenant]: settings, [alone]: settings });

  beforeAll(async () => {
    await harness.start();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  function freedAt(start: string): FreedTime {
    const begin = new Date(start);
    return {
      appointmentId: randomUUID(),
      start: begin,
      end: new Date(begin.getTime() + 30 * 60_000),
      timeZone: 'America/New_York',
      appointmentTypeCode: 'follow-up',
      providerId: 'dr-a',
      locationId: 'loc-1',
      locationName: 'Main Street Clinic',
      ehrAppointmentId: '',
      ehrVersion: '',
    };
  }

  /**
   * Opens two slots in two transactions: the second ranks while the first holds its (uncommitted)
   * offer, so both pick the same best patient; the first then commits.
   */
  async function openTwoSlotsRacing(
    tenantId: string,
  ): Promise<[FreedSlotEntity | null, FreedSlotEntity | null]> {
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstOffered!: () => void;
    const firstHoldsOffer = new Promise<void>((resolve) => (firstOffered = resolve));
    const first = inTenantTransaction(harness.dataSource, tenantId, async (manager) => {
      const slot = await harness.slots.openSlot(
        manager,
        tenantId,
        freedAt('2030-03-14T14:00:00Z'),
        now,
      );
      firstOffered();
      await firstMayCommit;
      return slot;
    });
    await firstHoldsOffer;
    // The second wave ranks before the first commits, so it picks the same best patient; its
    // offer insert then waits on the first transaction's uncommitted row.
    const second = inTenantTransaction(harness.dataSource, tenantId, (manager) =>
      harness.slots.openSlot(manager, tenantId, freedAt('2030-03-14T15:00:00Z'), now),
    );
    await waitFor(
      async () =>
        (
          await harness.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%waitlist_offer%'`,
          )
        ).length === 1,
      'the second wave waiting on the first one’s offer',
      20_000,
    );
    releaseFirst();
    return Promise.all([first, second]);
  }

  it('should offer the second slot to the next patient when the first wave claimed the best one meanwhile', async () => {
    const addEntry = (urgency: string): Promise<EntryView> =>
      harness.ok<EntryView>('POST', `/v1/tenants/${tenant}/waitlist/entries`, {
        patientId: randomUUID(),
        appointmentTypeCode: 'follow-up',
        earliestDate: '2030-03-11',
        latestDate: '2030-03-31',
        channels: ['sms'],
        urgency,
      });
    const best = await addEntry('urgent');
    const next = await addEntry('routine');

    const [slotA, slotB] = await openTwoSlotsRacing(tenant);

    const offers = await harness.query<{ slot_id: string; entry_id: string; status: string }>(
      `SELECT slot_id, entry_id, status FROM waitlist_offer WHERE tenant_id = $1`,
      [tenant],
    );
    expect(offers).toHaveLength(2);
    expect(offers).toEqual(
      expect.arrayContaining([
        { slot_id: slotA?.id, entry_id: best.id, status: 'open' },
        { slot_id: slotB?.id, entry_id: next.id, status: 'open' },
      ]),
    );
    const slots = await harness.query<{ id: string; status: string; wave: number }>(
      `SELECT id, status, wave FROM freed_slot WHERE tenant_id = $1 ORDER BY start_at`,
      [tenant],
    );
    expect(slots).toEqual([
      { id: slotA?.id, status: 'offering', wave: 1 },
      { id: slotB?.id, status: 'offering', wave: 1 },
    ]);
  }, 60_000);

  it('should escalate the second slot when its only eligible patient took the first one meanwhile', async () => {
    const only = await harness.ok<EntryView>('POST', `/v1/tenants/${alone}/waitlist/entries`, {
      patientId: randomUUID(),
      appointmentTypeCode: 'follow-up',
      earliestDate: '2030-03-11',
      latestDate: '2030-03-31',
      channels: ['sms'],
    });

    const [slotA, slotB] = await openTwoSlotsRacing(alone);

    const offers = await harness.query<{ slot_id: string; entry_id: string }>(
      `SELECT slot_id, entry_id FROM waitlist_offer WHERE tenant_id = $1`,
      [alone],
    );
    expect(offers).toEqual([{ slot_id: slotA?.id, entry_id: only.id }]);
    const [second] = await harness.query<{ status: string; escalation_reason: string }>(
      `SELECT status, escalation_reason FROM freed_slot WHERE id = $1`,
      [slotB?.id],
    );
    expect(second).toEqual({ status: 'escalated', escalation_reason: 'no_eligible_patient' });
  }, 60_000);
});
