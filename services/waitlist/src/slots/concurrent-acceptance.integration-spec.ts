import { randomUUID } from 'node:crypto';

import { waitFor } from '@caredispatch/testing';

import { WaitlistHarness } from '../../test/waitlist-harness';

import type { EntryView } from '../entries/waitlist-entry.service';
import type { SlotView } from './freed-slot-query.service';

/**
 * Issue 11 acceptance 2 against a deliberately small pool (two connections, a two-second wait
 * for one): 50 patients accepting one slot at once each get a definitive answer — one booking,
 * 49 "no longer available" — and never a 503, even while the slot's row is held by another
 * transaction for longer than the pool lets a request wait. Acceptances that queued on the
 * slot's lock holding a connection exhausted exactly such a pool.
 */
describe('concurrent acceptances of one freed slot (small pool)', () => {
  // Monday 2030-03-11 09:00 in New York; the slot is three days ahead.
  const now = new Date('2030-03-11T13:00:00Z');
  const inThreeDays = new Date('2030-03-14T14:00:00Z');
  const types = { 'follow-up': { requiredCredentials: ['MD'], durationMinutes: 30 } };
  const providerCredentials = { 'dr-a': ['MD'] };
  const racing = `it-${randomUUID().slice(0, 8)}`;
  const blocked = `it-${randomUUID().slice(0, 8)}`;
  const crowd = { appointmentTypes: types, providerCredentials, waveSize: 50, holdMinutes: 15 };
  const harness = new WaitlistHarness(
    now,
    { [racing]: crowd, [blocked]: crowd },
    { size: 2, connectTimeoutMs: 2_000 },
  );

  beforeAll(async () => {
    await harness.start();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  /** 50 waiting patients and a cancellation: the one slot it frees, offered to all 50. */
  async function slotOfferedToFifty(tenant: string): Promise<SlotView> {
    for (let i = 0; i < 50; i += 1) {
      await harness.ok('POST', `/v1/tenants/${tenant}/waitlist/entries`, {
        patientId: randomUUID(),
        appointmentTypeCode: 'follow-up',
        earliestDate: '2030-03-11',
        latestDate: '2030-03-31',
        channels: ['sms'],
      });
    }
    await harness.publish(tenant, 'AppointmentCancelledV1', {
      start: inThreeDays,
      typeCode: 'follow-up',
      providerId: 'dr-a',
      locationId: 'loc-1',
    });
    await waitFor(
      async () =>
        (await harness.query(`SELECT 1 FROM freed_slot WHERE tenant_id = $1`, [tenant])).length ===
        1,
      'slot opened',
      30_000,
    );
    const [{ id }] = await harness.query<{ id: string }>(
      `SELECT id FROM freed_slot WHERE tenant_id = $1`,
      [tenant],
    );
    const slot = await harness.ok<SlotView>('GET', `/v1/tenants/${tenant}/waitlist/slots/${id}`);
    expect(slot.offers).toHaveLength(50);
    return slot;
  }

  function acceptAll(tenant: string, slot: SlotView): Promise<{ status: number; body: unknown }[]> {
    return Promise.all(
      slot.offers.map(({ id }) =>
        harness.request('POST', `/v1/tenants/${tenant}/waitlist/offers/${id}/accept`, undefined, {
          roles: ['integration'],
        }),
      ),
    );
  }

  async function expectOneWinnerAnd49Told(
    tenant: string,
    answers: readonly { status: number; body: unknown }[],
  ): Promise<void> {
    expect(answers.map(({ status }) => status).filter((status) => status === 503)).toEqual([]);
    expect(answers.filter(({ status }) => status === 200)).toHaveLength(1);
    const refused = answers.filter(({ status }) => status === 409);
    expect(refused).toHaveLength(49);
    for (const { body } of refused) {
      expect(JSON.stringify(body)).toContain('This time is no longer available');
    }
    const byStatus = await harness.query<{ status: string; count: string }>(
      `SELECT status, count(*) FROM waitlist_offer WHERE tenant_id = $1 GROUP BY status ORDER BY status`,
      [tenant],
    );
    expect(byStatus).toEqual([
      { status: 'accepted', count: '1' },
      { status: 'withdrawn', count: '49' },
    ]);
    const [slot] = await harness.query<{ status: string }>(
      `SELECT status FROM freed_slot WHERE tenant_id = $1`,
      [tenant],
    );
    expect(slot.status).toBe('filled');
    // The 49 stay on the list.
    const open = await harness.ok<EntryView[]>('GET', `/v1/tenants/${tenant}/waitlist/entries`);
    expect(open).toHaveLength(49);
  }

  it('should answer all 50 acceptances with one booking and 49 "no longer available", never 503', async () => {
    const slot = await slotOfferedToFifty(racing);

    const answers = await acceptAll(racing, slot);

    await expectOneWinnerAnd49Told(racing, answers);
  }, 120_000);

  it('should still answer all 50 definitively while another transaction holds the slot longer than the pool wait', async () => {
    const slot = await slotOfferedToFifty(blocked);

    // Wrapped: an async callback returning the promise itself would wait for the answers.
    const { answers } = await harness.whileSlotLocked(slot.id, async () => {
      const pending = acceptAll(blocked, slot);
      // Twice the pool's wait: acceptances queued on the lock would have timed the rest out.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      return { answers: pending };
    });

    await expectOneWinnerAnd49Told(blocked, await answers);
  }, 120_000);
});
