import { randomUUID } from 'node:crypto';

import { WriteBackFailureReason } from '@caredispatch/contracts';
import { waitFor } from '@caredispatch/testing';

import { WaitlistHarness } from '../test/waitlist-harness';

import type { EntryView } from './entries/waitlist-entry.service';
import type { WeeklyFillMetrics } from './metrics/waitlist-metrics.service';
import type { SlotView } from './slots/freed-slot-query.service';

/**
 * Issue 11 acceptance against real PostgreSQL and Kafka (waitlist in-process, manual clock):
 * a cancellation is offered to the top-ranked patient, first acceptance wins under 50
 * concurrent acceptances, holds expire into the next wave and then into one escalation, and a
 * staff booking withdraws open offers.
 */
describe('waitlist (PostgreSQL + Kafka)', () => {
  // Monday 2030-03-11 09:00 in New York.
  const now = new Date('2030-03-11T13:00:00Z');
  const tomorrowTen = new Date('2030-03-12T14:00:00Z');
  const inThreeDays = new Date('2030-03-14T14:00:00Z');
  const main = `it-${randomUUID().slice(0, 8)}`;
  const crowd = `it-${randomUUID().slice(0, 8)}`;
  const waves = `it-${randomUUID().slice(0, 8)}`;
  const staff = `it-${randomUUID().slice(0, 8)}`;
  const texted = `it-${randomUUID().slice(0, 8)}`;
  const inEhr = `it-${randomUUID().slice(0, 8)}`;
  const lateRiser = `it-${randomUUID().slice(0, 8)}`;
  const types = {
    'follow-up': { requiredCredentials: ['MD'], durationMinutes: 30 },
    'wound-check': { requiredCredentials: ['wound-care'], durationMinutes: 30 },
  };
  const providerCredentials = { 'dr-a': ['MD'], 'dr-b': ['MD'] };
  const harness = new WaitlistHarness(now, {
    [main]: { appointmentTypes: types, providerCredentials, waveSize: 1, holdMinutes: 15 },
    [crowd]: { appointmentTypes: types, providerCredentials, waveSize: 50, holdMinutes: 15 },
    [waves]: { appointmentTypes: types, providerCredentials, waveSize: 1, holdMinutes: 10 },
    [staff]: { appointmentTypes: types, providerCredentials },
    [texted]: { appointmentTypes: types, providerCredentials, waveSize: 2, holdMinutes: 15 },
    [inEhr]: { appointmentTypes: types, providerCredentials, waveSize: 1, holdMinutes: 15 },
    // Offers from 10:00 only: the manual clock's 09:xx in New York is "night" for this practice.
    [lateRiser]: {
      appointmentTypes: types,
      providerCredentials,
      waveSize: 1,
      offerHours: { from: '10:00', until: '21:00' },
    },
  });

  beforeAll(async () => {
    await harness.start();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  function entryBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      patientId: randomUUID(),
      appointmentTypeCode: 'follow-up',
      earliestDate: '2030-03-11',
      latestDate: '2030-03-31',
      channels: ['sms'],
      ...overrides,
    };
  }

  async function slotsOf(tenant: string): Promise<{ id: string; status: string }[]> {
    return harness.query(
      `SELECT id, status FROM freed_slot WHERE tenant_id = $1 ORDER BY opened_at`,
      [tenant],
    );
  }

  async function slotView(tenant: string, slotId: string): Promise<SlotView> {
    return harness.ok<SlotView>('GET', `/v1/tenants/${tenant}/waitlist/slots/${slotId}`);
  }

  async function events(tenant: string, type: string): Promise<number> {
    const [row] = await harness.query<{ count: string }>(
      `SELECT count(*) FROM outbox_message WHERE tenant_id = $1 AND event_type = $2`,
      [tenant, type],
    );
    return Number(row.count);
  }

  it('should refuse an invalid entry naming the field and merge a second request for the same type', async () => {
    const bad = await harness.request('POST', `/v1/tenants/${main}/waitlist/entries`, {
      ...entryBody(),
      timesOfDay: [{ from: '9am', until: '12:00' }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('timesOfDay.0.from: must be HH:MM');

    const patientId = randomUUID();
    const first = await harness.request(
      'POST',
      `/v1/tenants/${main}/waitlist/entries`,
      entryBody({ patientId }),
    );
    const second = await harness.request(
      'POST',
      `/v1/tenants/${main}/waitlist/entries`,
      entryBody({ patientId, urgency: 'soon' }),
    );

    expect([first.status, second.status]).toEqual([201, 200]);
    expect((second.body as EntryView).id).toBe((first.body as EntryView).id);
    expect((second.body as EntryView).urgency).toBe('soon');
    await harness.ok(
      'DELETE',
      `/v1/tenants/${main}/waitlist/entries/${(first.body as EntryView).id}`,
    );
    expect(await slotsOf(main)).toEqual([]);
  });

  it('should offer a cancelled slot tomorrow at 10:00 to the top-ranked eligible patient and book who accepts', async () => {
    const urgent = await harness.ok<EntryView>(
      'POST',
      `/v1/tenants/${main}/waitlist/entries`,
      entryBody({ urgency: 'urgent' }),
    );
    await harness.ok('POST', `/v1/tenants/${main}/waitlist/entries`, entryBody());
    // Ineligible: wants another provider; wants afternoons; needs wound care; not contactable.
    for (const overrides of [
      { providerIds: ['dr-b'], urgency: 'urgent' },
      { timesOfDay: [{ from: '13:00', until: '17:00' }], urgency: 'urgent' },
      { appointmentTypeCode: 'wound-check', urgency: 'urgent' },
      { channels: [], urgency: 'urgent' },
    ]) {
      await harness.ok('POST', `/v1/tenants/${main}/waitlist/entries`, entryBody(overrides));
    }

    await harness.publish(main, 'AppointmentCancelledV1', {
      start: tomorrowTen,
      typeCode: 'follow-up',
      providerId: 'dr-a',
      locationId: 'loc-1',
    });
    await waitFor(async () => (await slotsOf(main)).length === 1, 'slot opened', 30_000);
    const [{ id: slotId }] = await slotsOf(main);
    const offered = await slotView(main, slotId);

    expect(offered.offers).toHaveLength(1);
    expect(offered.offers[0]).toMatchObject({ entryId: urgent.id, rank: 1, status: 'open' });
    expect(offered.offers[0]?.why).toMatchObject({ urgency: 'urgent', fitReasons: ['same-type'] });
    expect(await events(main, 'WaitlistOfferMadeV1')).toBe(1);

    const accepted = await harness.request(
      'POST',
      `/v1/tenants/${main}/waitlist/offers/${offered.offers[0]?.id}/accept`,
      undefined,
      { roles: ['integration'] },
    );
    const again = await harness.request(
      'POST',
      `/v1/tenants/${main}/waitlist/offers/${offered.offers[0]?.id}/accept`,
      undefined,
      { roles: ['integration'] },
    );

    expect([accepted.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual({ outcome: 'already-accepted' });
    expect((await slotView(main, slotId)).status).toBe('filled');
    expect(
      (await harness.ok<EntryView>('GET', `/v1/tenants/${main}/waitlist/entries/${urgent.id}`))
        .status,
    ).toBe('booked');
    expect(await events(main, 'WaitlistSlotClosedV1')).toBe(1);
    const metrics = await harness.ok<WeeklyFillMetrics[]>(
      'GET',
      `/v1/tenants/${main}/waitlist/metrics?from=2030-03-11&until=2030-03-17`,
      undefined,
      { roles: ['coordinator'] },
    );
    expect(metrics).toEqual([
      {
        week: '2030-03-11',
        slotsFreed: 1,
        filledFromWaitlist: 1,
        fillRate: 1,
        medianMinutesToFill: 0,
        offersPerFill: 1,
        escalations: 0,
      },
    ]);
  });

  it('should book exactly one of 50 patients accepting the same slot at once', async () => {
    for (let i = 0; i < 50; i += 1) {
      await harness.ok('POST', `/v1/tenants/${crowd}/waitlist/entries`, entryBody());
    }
    await harness.publish(crowd, 'AppointmentCancelledV1', {
      start: inThreeDays,
      typeCode: 'follow-up',
      providerId: 'dr-a',
      locationId: 'loc-1',
    });
    await waitFor(async () => (await slotsOf(crowd)).length === 1, 'slot opened', 30_000);
    const [{ id: slotId }] = await slotsOf(crowd);
    const { offers } = await slotView(crowd, slotId);
    expect(offers).toHaveLength(50);

    const answers = await Promise.all(
      offers.map(({ id }) =>
        harness.request('POST', `/v1/tenants/${crowd}/waitlist/offers/${id}/accept`, undefined, {
          roles: ['integration'],
        }),
      ),
    );

    const statuses = answers.map(({ status }) => status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    const refused = answers.find(({ status }) => status === 409);
    expect(JSON.stringify(refused?.body)).toContain('This time is no longer available');
    const byStatus = await harness.query<{ status: string; count: string }>(
      `SELECT status, count(*) FROM waitlist_offer WHERE tenant_id = $1 GROUP BY status ORDER BY status`,
      [crowd],
    );
    expect(byStatus).toEqual([
      { status: 'accepted', count: '1' },
      // The first acceptance withdrew the other offers; each later acceptance was told so.
      { status: 'withdrawn', count: '49' },
    ]);
    const open = await harness.ok<EntryView[]>('GET', `/v1/tenants/${crowd}/waitlist/entries`);
    expect(open).toHaveLength(49);
  }, 60_000);

  it('should move to the next wave when a hold expires and escalate once when everyone declined', async () => {
    const first = await harness.ok<EntryView>(
      'POST',
      `/v1/tenants/${waves}/waitlist/entries`,
      entryBody({ urgency: 'soon' }),
    );
    const second = await harness.ok<EntryView>(
      'POST',
      `/v1/tenants/${waves}/waitlist/entries`,
      entryBody(),
    );
    await harness.publish(waves, 'AppointmentCancelledV1', {
      start: inThreeDays,
      typeCode: 'follow-up',
      providerId: 'dr-a',
      locationId: 'loc-1',
    });
    await waitFor(async () => (await slotsOf(waves)).length === 1, 'slot opened', 30_000);
    const [{ id: slotId }] = await slotsOf(waves);
    expect((await slotView(waves, slotId)).offers.map((o) => o.entryId)).toEqual([first.id]);

    harness.clock.advance(11 * 60_000);
    await waitFor(
      async () => (await slotView(waves, slotId)).offers.length === 2,
      'second wave',
      10_000,
    );
    const afterExpiry = await slotView(waves, slotId);
    expect(afterExpiry.offers.map((o) => [o.entryId, o.wave, o.status])).toEqual([
      [first.id, 1, 'expired'],
      [second.id, 2, 'open'],
    ]);

    await harness.ok(
      'POST',
      `/v1/tenants/${waves}/waitlist/offers/${afterExpiry.offers[1]?.id}/decline`,
      undefined,
      { roles: ['integration'] },
    );
    const late = await harness.request(
      'POST',
      `/v1/tenants/${waves}/waitlist/offers/${afterExpiry.offers[0]?.id}/accept`,
      undefined,
      { roles: ['integration'] },
    );

    const closed = await slotView(waves, slotId);
    expect(closed).toMatchObject({
      status: 'escalated',
      escalationReason: 'all_declined_or_expired',
    });
    expect(late.status).toBe(409);
    expect(await events(waves, 'WaitlistSlotClosedV1')).toBe(1);
    expect(
      (await harness.ok<EntryView>('GET', `/v1/tenants/${waves}/waitlist/entries/${second.id}`))
        .declines,
    ).toBe(1);
  });

  it('should withdraw open offers when staff book the time, and tell a later acceptance', async () => {
    const tenant = staff;
    const entry = await harness.ok<EntryView>(
      'POST',
      `/v1/tenants/${tenant}/waitlist/entries`,
      entryBody({ providerIds: ['dr-b'] }),
    );
    const slotStart = new Date('2030-03-15T15:00:00Z');
    await harness.publish(tenant, 'AppointmentCancelledV1', {
      start: slotStart,
      typeCode: 'follow-up',
      providerId: 'dr-b',
      locationId: 'loc-1',
    });
    await waitFor(async () => (await slotsOf(tenant)).length === 1, 'slot opened', 30_000);
    const slotId = (await slotsOf(tenant))[0]?.id ?? '';
    const [offer] = (await slotView(tenant, slotId)).offers;
    expect(offer.entryId).toBe(entry.id);

    await harness.publish(tenant, 'AppointmentBookedV1', {
      start: slotStart,
      typeCode: 'follow-up',
      providerId: 'dr-b',
      locationId: 'loc-1',
    });
    await waitFor(
      async () => (await slotView(tenant, slotId)).status === 'filled_by_staff',
      'filled by staff',
      30_000,
    );
    const late = await harness.request(
      'POST',
      `/v1/tenants/${tenant}/waitlist/offers/${offer.id}/accept`,
      undefined,
      { roles: ['integration'] },
    );

    expect(late.status).toBe(409);
    expect((await slotView(tenant, slotId)).offers.map((o) => o.status)).toEqual(['withdrawn']);
    expect(
      (await harness.ok<EntryView>('GET', `/v1/tenants/${tenant}/waitlist/entries/${entry.id}`))
        .status,
    ).toBe('open');
  });

  it("should answer another tenant's staff like a missing entry and refuse other roles", async () => {
    const entry = await harness.ok<EntryView>(
      'POST',
      `/v1/tenants/${main}/waitlist/entries`,
      entryBody(),
    );
    const foreign = `it-${randomUUID().slice(0, 8)}`;

    const asForeign = await harness.request(
      'GET',
      `/v1/tenants/${main}/waitlist/entries/${entry.id}`,
      undefined,
      { tenantId: foreign, roles: ['front-desk'] },
    );
    const missing = await harness.request(
      'GET',
      `/v1/tenants/${main}/waitlist/entries/${randomUUID()}`,
    );
    const asProvider = await harness.request(
      'GET',
      `/v1/tenants/${main}/waitlist/entries`,
      undefined,
      { roles: ['provider'], providerId: 'dr-a' },
    );

    expect(asForeign).toEqual(missing);
    expect(asForeign.status).toBe(404);
    expect(asProvider.status).toBe(403);
  });

  it('should book the first patient whose SMS YES arrives and take a later YES as an outcome, not a failure', async () => {
    const first = await harness.ok<EntryView>(
      'POST',
      `/v1/tenants/${texted}/waitlist/entries`,
      entryBody({ urgency: 'urgent' }),
    );
    await harness.ok('POST', `/v1/tenants/${texted}/waitlist/entries`, entryBody());
    await harness.publish(texted, 'AppointmentCancelledV1', {
      start: inThreeDays,
      typeCode: 'follow-up',
      providerId: 'dr-a',
      locationId: 'loc-1',
    });
    await waitFor(async () => (await slotsOf(texted)).length === 1, 'slot opened', 30_000);
    const [{ id: slotId }] = await slotsOf(texted);
    const { offers } = await slotView(texted, slotId);
    expect(offers).toHaveLength(2);
    const [winner, loser] = [...offers].sort((a, b) => a.rank - b.rank);

    await harness.answerOffer(texted, { id: winner.id, slotId, patientId: winner.patientId });
    await waitFor(
      async () => (await slotView(texted, slotId)).status === 'filled',
      'filled by the SMS answer',
      30_000,
    );
    await harness.answerOffer(texted, { id: loser.id, slotId, patientId: loser.patientId });
    // A third answer after the late one: the consumer kept going (nothing was dead-lettered).
    await harness.answerOffer(texted, { id: winner.id, slotId, patientId: winner.patientId });
    await waitFor(
      async () =>
        (
          await harness.query(
            `SELECT 1 FROM inbox_event WHERE topic = 'messaging.patient-response.v1'`,
          )
        ).length >= 3,
      'three answers handled',
      30_000,
    );

    const slot = await slotView(texted, slotId);
    expect(
      slot.offers
        .map(({ id, status }) => ({ id, status }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual(
      [
        { id: winner.id, status: 'accepted' },
        { id: loser.id, status: 'withdrawn' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(winner.entryId).toBe(first.id);
    expect(await events(texted, 'WaitlistSlotClosedV1')).toBe(1);
  });
  it('should request the EHR booking of an acceptor with an EHR id, fill on success, and on a slot taken tell the acceptor and keep them listed', async () => {
    const invalid = await harness.request(
      'POST',
      `/v1/tenants/${inEhr}/waitlist/entries`,
      entryBody({ ehrPatientId: 'Patient/12 3' }),
    );
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).toContain('ehrPatientId');
    const entry = await harness.ok<EntryView>(
      'POST',
      `/v1/tenants/${inEhr}/waitlist/entries`,
      entryBody({ ehrPatientId: 'pat-77' }),
    );
    expect(entry.ehrPatientId).toBe('pat-77');

    async function offerAndAccept(start: Date): Promise<{ slotId: string; offerId: string }> {
      const before = (await slotsOf(inEhr)).length;
      await harness.publish(inEhr, 'AppointmentCancelledV1', {
        start,
        typeCode: 'follow-up',
        providerId: 'dr-a',
        locationId: 'loc-1',
      });
      await waitFor(async () => (await slotsOf(inEhr)).length > before, 'slot opened', 30_000);
      const slotId = (await slotsOf(inEhr)).at(-1)?.id ?? '';
      const [offer] = (await slotView(inEhr, slotId)).offers;
      expect(offer.entryId).toBe(entry.id);
      const accepted = await harness.request(
        'POST',
        `/v1/tenants/${inEhr}/waitlist/offers/${offer.id}/accept`,
        undefined,
        { roles: ['integration'] },
      );
      expect(accepted.status).toBe(200);
      return { slotId, offerId: offer.id };
    }

    // Staff took the time in the EHR before ehr-gateway could book it.
    const taken = await offerAndAccept(new Date('2030-03-13T14:00:00Z'));
    expect((await slotView(inEhr, taken.slotId)).status).toBe('booking');
    expect(await events(inEhr, 'WaitlistBookingRequestedV1')).toBe(1);
    expect(await events(inEhr, 'WaitlistSlotClosedV1')).toBe(0);
    await harness.bookingOutcome(inEhr, taken.offerId, WriteBackFailureReason.SLOT_TAKEN);
    await waitFor(
      async () => (await slotView(inEhr, taken.slotId)).status === 'filled_by_staff',
      'the taken slot closed',
      30_000,
    );
    expect((await slotView(inEhr, taken.slotId)).offers.map((o) => o.status)).toEqual(['too_late']);
    expect(
      (await harness.ok<EntryView>('GET', `/v1/tenants/${inEhr}/waitlist/entries/${entry.id}`))
        .status,
    ).toBe('open');

    // The next freed time is booked.
    const booked = await offerAndAccept(new Date('2030-03-14T15:00:00Z'));
    await harness.bookingOutcome(inEhr, booked.offerId);
    await waitFor(
      async () => (await slotView(inEhr, booked.slotId)).status === 'filled',
      'filled once the EHR booked it',
      30_000,
    );
    // A redelivered or late outcome changes nothing.
    await harness.bookingOutcome(inEhr, booked.offerId, WriteBackFailureReason.SLOT_TAKEN);
    await harness.waitForConsumerToCatchUp();
    expect((await slotView(inEhr, booked.slotId)).status).toBe('filled');
    expect(
      (await harness.ok<EntryView>('GET', `/v1/tenants/${inEhr}/waitlist/entries/${entry.id}`))
        .status,
    ).toBe('booked');
    expect(await events(inEhr, 'WaitlistBookingRequestedV1')).toBe(2);
    const [resolved] = await harness.query<{ count: string }>(
      `SELECT count(*) FROM outbox_message WHERE tenant_id = $1 AND event_type = 'WaitlistOfferResolvedV1'`,
      [inEhr],
    );
    // too_late for the taken slot, accepted for the booked one.
    expect(Number(resolved.count)).toBe(2);
  });
  // Last: it moves the shared manual clock past 10:00 in New York.
  it('should hold a wave outside the offer hours and send it when they open, the slot still ahead', async () => {
    const entry = await harness.ok<EntryView>(
      'POST',
      `/v1/tenants/${lateRiser}/waitlist/entries`,
      entryBody(),
    );
    await harness.publish(lateRiser, 'AppointmentCancelledV1', {
      start: inThreeDays,
      typeCode: 'follow-up',
      providerId: 'dr-a',
      locationId: 'loc-1',
    });
    await waitFor(async () => (await slotsOf(lateRiser)).length === 1, 'slot opened', 30_000);
    const [{ id: slotId }] = await slotsOf(lateRiser);
    const [waiting] = await harness.query<{ waves_paused_until: Date }>(
      `SELECT waves_paused_until FROM freed_slot WHERE id = $1`,
      [slotId],
    );

    expect(waiting.waves_paused_until).toEqual(new Date('2030-03-11T14:00:00Z')); // 10:00 EDT
    expect((await slotView(lateRiser, slotId)).offers).toEqual([]);
    expect(await events(lateRiser, 'WaitlistOfferMadeV1')).toBe(0);

    harness.clock.advance(
      new Date('2030-03-11T14:00:00Z').getTime() - harness.clock.now().getTime() + 60_000,
    );
    await waitFor(
      async () => (await slotView(lateRiser, slotId)).offers.length === 1,
      'the morning wave',
      30_000,
    );

    const slot = await slotView(lateRiser, slotId);
    expect(slot.status).toBe('offering');
    expect(slot.offers.map((offer) => [offer.entryId, offer.wave, offer.status])).toEqual([
      [entry.id, 1, 'open'],
    ]);
  });
});
