import { randomUUID } from 'node:crypto';

import { WriteBackFailureReason } from '@caredispatch/contracts';
import { waitFor } from '@caredispatch/testing';

import { WaitlistHarness } from '../../test/waitlist-harness';
import { type SlotView } from '../slots/freed-slot-query.service';

import { type EntryView } from './waitlist-entry.service';

/**
 * "Ask for an earlier time" from the patient page (messaging's PatientRequestedEarlierTimeV1)
 * against real PostgreSQL and Kafka: one entry per patient and type however often the request
 * is delivered, a second request merges, and a fill of such an entry moves the kept visit by
 * staff instead of booking a second appointment in the EHR.
 */
describe('earlier-time requests (PostgreSQL + Kafka)', () => {
  // Monday 2030-03-11 09:00 in New York.
  const now = new Date('2030-03-11T13:00:00Z');
  const tenant = `it-${randomUUID().slice(0, 8)}`;
  const types = { 'follow-up': { requiredCredentials: ['MD'], durationMinutes: 30 } };
  const harness = new WaitlistHarness(now, {
    [tenant]: {
      appointmentTypes: types,
      providerCredentials: { 'dr-a': ['MD'], 'dr-b': ['MD'] },
      waveSize: 1,
      holdMinutes: 15,
    },
  });

  beforeAll(async () => {
    await harness.start();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  async function openEntriesOf(patientId: string): Promise<EntryView[]> {
    const open = await harness.ok<EntryView[]>('GET', `/v1/tenants/${tenant}/waitlist/entries`);
    return open.filter((entry) => entry.patientId === patientId);
  }

  /** The patient page's "ask for an earlier time" on the follow-up visit they keep. */
  function askForEarlierTime(
    patientId: string,
    keptVisit: string,
    visit: { providerId: string; locationId: string; currentStart: Date },
    consent: { smsConsent?: boolean; emailConsent?: boolean } = {},
  ) {
    return harness.requestEarlierTime(tenant, {
      patientId,
      appointmentId: keptVisit,
      typeCode: 'follow-up',
      ...visit,
      ...consent,
    });
  }

  /** Another patient's follow-up is cancelled; resolves to the freed slot it opened. */
  async function freeTime(start: Date, providerId: string, locationId: string): Promise<string> {
    const slotsBefore = await harness.query(`SELECT id FROM freed_slot WHERE tenant_id = $1`, [
      tenant,
    ]);
    await harness.publish(tenant, 'AppointmentCancelledV1', {
      start,
      typeCode: 'follow-up',
      providerId,
      locationId,
    });
    let slotId = '';
    await waitFor(
      async () => {
        const slots = await harness.query<{ id: string }>(
          `SELECT id FROM freed_slot WHERE tenant_id = $1 ORDER BY opened_at`,
          [tenant],
        );
        slotId = slots.at(-1)?.id ?? '';
        return slots.length > slotsBefore.length;
      },
      'slot opened',
      30_000,
    );
    return slotId;
  }

  /** The patient's YES, relayed by an integration (the reply or link handler). */
  function accept(offerId: string) {
    return harness.request(
      'POST',
      `/v1/tenants/${tenant}/waitlist/offers/${offerId}/accept`,
      undefined,
      { roles: ['integration'] },
    );
  }

  async function events(type: string): Promise<number> {
    const [row] = await harness.query<{ count: string }>(
      `SELECT count(*) FROM outbox_message WHERE tenant_id = $1 AND event_type = $2`,
      [tenant, type],
    );
    return Number(row.count);
  }

  it('should list the patient for the visit’s type, provider and location before the visit, once however often it is delivered', async () => {
    const patientId = randomUUID();
    const appointmentId = randomUUID();
    const request = {
      patientId,
      appointmentId,
      typeCode: 'follow-up',
      providerId: 'dr-a',
      locationId: 'loc-1',
      // Friday 2030-03-22 10:00 in New York.
      currentStart: new Date('2030-03-22T14:00:00Z'),
    };

    const envelope = await harness.requestEarlierTime(tenant, request);
    await waitFor(async () => (await openEntriesOf(patientId)).length === 1, 'entry', 30_000);
    await harness.requestEarlierTime(tenant, request, envelope);
    await harness.waitForConsumerToCatchUp();

    const entries = await openEntriesOf(patientId);
    expect(entries).toEqual([
      expect.objectContaining({
        appointmentTypeCode: 'follow-up',
        status: 'open',
        urgency: 'routine',
        providerIds: ['dr-a'],
        locationIds: ['loc-1'],
        earliestDate: '2030-03-11',
        latestDate: '2030-03-21',
        weekdays: [],
        timesOfDay: [],
        channels: ['sms'],
        ehrPatientId: null,
        replacesAppointmentId: appointmentId,
      }),
    ]);
    const [inbox] = await harness.query<{ count: string }>(
      `SELECT count(*) FROM inbox_event WHERE event_id = $1`,
      [envelope.eventId],
    );
    expect(Number(inbox.count)).toBe(1);
  });

  it('should merge a second request for the same patient and type into their open entry, keeping what staff recorded', async () => {
    const patientId = randomUUID();
    const staffEntry = await harness.ok<EntryView>(
      'POST',
      `/v1/tenants/${tenant}/waitlist/entries`,
      {
        patientId,
        ehrPatientId: 'pat-12',
        appointmentTypeCode: 'follow-up',
        earliestDate: '2030-03-11',
        latestDate: '2030-04-30',
        weekdays: [1, 3],
        urgency: 'soon',
        channels: ['sms', 'email'],
      },
    );
    const keptVisit = randomUUID();

    await askForEarlierTime(
      patientId,
      keptVisit,
      { providerId: 'dr-b', locationId: 'loc-2', currentStart: new Date('2030-03-29T14:00:00Z') },
      { smsConsent: true, emailConsent: false },
    );
    await askForEarlierTime(patientId, keptVisit, {
      providerId: 'dr-b',
      locationId: 'loc-2',
      currentStart: new Date('2030-03-29T14:00:00Z'),
    });
    await harness.waitForConsumerToCatchUp();

    expect(await openEntriesOf(patientId)).toEqual([
      expect.objectContaining({
        id: staffEntry.id,
        ehrPatientId: 'pat-12',
        urgency: 'soon',
        weekdays: [1, 3],
        providerIds: ['dr-b'],
        locationIds: ['loc-2'],
        earliestDate: '2030-03-11',
        latestDate: '2030-03-28',
        channels: ['sms'],
        waitingSince: staffEntry.waitingSince,
        replacesAppointmentId: keptVisit,
      }),
    ]);
  });

  it('should withdraw the entry when the visit the patient kept is cancelled', async () => {
    const patientId = randomUUID();
    const keptVisit = randomUUID();
    const start = new Date('2030-03-27T14:00:00Z');
    await askForEarlierTime(patientId, keptVisit, {
      providerId: 'dr-b',
      locationId: 'loc-9',
      currentStart: start,
    });
    await waitFor(async () => (await openEntriesOf(patientId)).length === 1, 'entry', 30_000);
    const [entry] = await openEntriesOf(patientId);

    await harness.publish(tenant, 'AppointmentCancelledV1', {
      appointmentId: keptVisit,
      patientId,
      start,
      typeCode: 'follow-up',
      providerId: 'dr-b',
      locationId: 'loc-9',
    });
    await harness.waitForConsumerToCatchUp();

    expect(await openEntriesOf(patientId)).toEqual([]);
    expect(
      (await harness.ok<EntryView>('GET', `/v1/tenants/${tenant}/waitlist/entries/${entry.id}`))
        .status,
    ).toBe('withdrawn');
  });

  it('should fill an earlier time for a patient who keeps a visit by asking the EHR to move that visit, not to book a second one', async () => {
    const patientId = randomUUID();
    const keptVisit = randomUUID();
    await harness.ok<EntryView>('POST', `/v1/tenants/${tenant}/waitlist/entries`, {
      patientId,
      ehrPatientId: 'pat-34',
      appointmentTypeCode: 'follow-up',
      earliestDate: '2030-03-11',
      latestDate: '2030-04-30',
      channels: ['sms'],
    });
    await askForEarlierTime(patientId, keptVisit, {
      providerId: 'dr-a',
      locationId: 'loc-7',
      currentStart: new Date('2030-03-28T14:00:00Z'),
    });
    await waitFor(
      async () => (await openEntriesOf(patientId))[0]?.replacesAppointmentId === keptVisit,
      'merged',
      30_000,
    );
    const slotId = await freeTime(new Date('2030-03-13T14:00:00Z'), 'dr-a', 'loc-7');
    const view = await harness.ok<SlotView>(
      'GET',
      `/v1/tenants/${tenant}/waitlist/slots/${slotId}`,
    );
    const [offer] = view.offers;
    const requestsBefore = await events('WaitlistBookingRequestedV1');
    const accepted = await accept(offer.id);

    expect(accepted.status).toBe(200);
    // The EHR booking is under way: ehr-gateway moves the kept visit (one request, naming it).
    expect(
      (await harness.ok<SlotView>('GET', `/v1/tenants/${tenant}/waitlist/slots/${slotId}`)).status,
    ).toBe('booking');
    expect(await events('WaitlistBookingRequestedV1')).toBe(requestsBefore + 1);
    const request = (await harness.outboxEvents(tenant, 'WaitlistBookingRequestedV1')).find(
      (event) => event.type === 'WaitlistBookingRequestedV1' && event.payload.offerId === offer.id,
    );
    expect(request?.payload).toMatchObject({
      slotId,
      entryId: offer.entryId,
      patientId,
      ehrPatientId: 'pat-34',
      keptEhrAppointmentId: `ehr-${keptVisit}`,
      keptEhrVersion: '',
    });

    // Staff moved the kept visit meanwhile: the acceptor is told, the entry stays, the time is
    // still free (it goes on to the next wave or to the coordinators, not to "filled by staff").
    await harness.bookingOutcome(tenant, offer.id, WriteBackFailureReason.KEPT_VISIT_CHANGED);
    await waitFor(
      async () =>
        (await harness.ok<SlotView>('GET', `/v1/tenants/${tenant}/waitlist/slots/${slotId}`))
          .offers[0]?.status === 'too_late',
      'the acceptor told',
      30_000,
    );
    const after = await harness.ok<SlotView>(
      'GET',
      `/v1/tenants/${tenant}/waitlist/slots/${slotId}`,
    );
    expect(after.status).not.toBe('filled_by_staff');
    expect(after.status).not.toBe('filled');
    expect(
      await harness.ok<EntryView>('GET', `/v1/tenants/${tenant}/waitlist/entries/${offer.entryId}`),
    ).toEqual(expect.objectContaining({ status: 'open', replacesAppointmentId: keptVisit }));
  });

  /**
   * A patient keeping a follow-up with dr-b at `locationId` is offered a freed earlier time and
   * accepts it: the fill is being written to the EHR (a move of the kept visit).
   */
  async function fillInFlight(locationId: string, keptStart: Date, freedStart: Date) {
    const patientId = randomUUID();
    const keptVisit = randomUUID();
    await harness.ok<EntryView>('POST', `/v1/tenants/${tenant}/waitlist/entries`, {
      patientId,
      ehrPatientId: `pat-${locationId}`,
      appointmentTypeCode: 'follow-up',
      earliestDate: '2030-03-11',
      latestDate: '2030-04-30',
      channels: ['sms'],
      providerIds: ['dr-b'],
    });
    await askForEarlierTime(patientId, keptVisit, {
      providerId: 'dr-b',
      locationId,
      currentStart: keptStart,
    });
    await waitFor(
      async () => (await openEntriesOf(patientId))[0]?.replacesAppointmentId === keptVisit,
      'merged',
      30_000,
    );
    const [entry] = await openEntriesOf(patientId);
    const slotId = await freeTime(freedStart, 'dr-b', locationId);
    const offer = (
      await harness.ok<SlotView>('GET', `/v1/tenants/${tenant}/waitlist/slots/${slotId}`)
    ).offers.find((candidate) => candidate.entryId === entry.id);
    if (offer === undefined) throw new Error('the entry was not offered the freed time');
    const accepted = await accept(offer.id);
    expect(accepted.status).toBe(200);
    const slot = () =>
      harness.ok<SlotView>('GET', `/v1/tenants/${tenant}/waitlist/slots/${slotId}`);
    const entryNow = () =>
      harness.ok<EntryView>('GET', `/v1/tenants/${tenant}/waitlist/entries/${entry.id}`);
    expect((await slot()).status).toBe('booking');
    expect((await entryNow()).status).toBe('booked');
    const cancelKeptVisit = async () => {
      await harness.publish(tenant, 'AppointmentCancelledV1', {
        appointmentId: keptVisit,
        patientId,
        start: keptStart,
        typeCode: 'follow-up',
        providerId: 'dr-b',
        locationId,
      });
      await harness.waitForConsumerToCatchUp();
    };
    return { patientId, keptVisit, offerId: offer.id, cancelKeptVisit, slot, entryNow };
  }

  it('should not put the entry back on the list when staff cancel the kept visit while its fill is written to the EHR', async () => {
    const fill = await fillInFlight(
      'loc-8',
      new Date('2030-03-29T14:00:00Z'),
      new Date('2030-03-14T14:00:00Z'),
    );

    // Staff cancel the kept visit before ehr-gateway's move of it lands; the move then fails.
    await fill.cancelKeptVisit();
    await harness.bookingOutcome(tenant, fill.offerId, WriteBackFailureReason.KEPT_VISIT_CHANGED);
    await waitFor(
      async () =>
        (await fill.slot()).offers.find((offer) => offer.id === fill.offerId)?.status ===
        'too_late',
      'the acceptor told',
      30_000,
    );

    expect(await fill.entryNow()).toEqual(
      expect.objectContaining({ status: 'withdrawn', replacesAppointmentId: fill.keptVisit }),
    );
    expect(await openEntriesOf(fill.patientId)).toEqual([]);
    const after = await fill.slot();
    expect(after.status).not.toBe('filled');
    expect(after.status).not.toBe('filled_by_staff');
  });

  it('should keep a fill the EHR booked when the moved visit is cancelled afterwards', async () => {
    const fill = await fillInFlight(
      'loc-6',
      new Date('2030-03-28T15:00:00Z'),
      new Date('2030-03-15T14:00:00Z'),
    );
    await harness.bookingOutcome(tenant, fill.offerId);
    await waitFor(async () => (await fill.slot()).status === 'filled', 'filled', 30_000);

    await fill.cancelKeptVisit();

    expect((await fill.entryNow()).status).toBe('booked');
    expect((await fill.slot()).status).toBe('filled');
  });

  it('should record the kept visit EHR id and version scheduling publishes for it, an older revision changing nothing', async () => {
    const patientId = randomUUID();
    const keptVisit = randomUUID();
    await askForEarlierTime(patientId, keptVisit, {
      providerId: 'dr-a',
      locationId: 'loc-7',
      currentStart: new Date('2030-03-28T14:00:00Z'),
    });
    await waitFor(async () => (await openEntriesOf(patientId)).length === 1, 'entry', 30_000);
    const kept = async () =>
      (
        await harness.query<{ kept_ehr_appointment_id: string; kept_ehr_version: string }>(
          `SELECT kept_ehr_appointment_id, kept_ehr_version FROM waitlist_entry
            WHERE tenant_id = $1 AND patient_id = $2`,
          [tenant, patientId],
        )
      )[0];
    expect(await kept()).toEqual({
      kept_ehr_appointment_id: `ehr-${keptVisit}`,
      kept_ehr_version: '',
    });

    await harness.publish(
      tenant,
      'AppointmentRescheduledV1',
      {
        appointmentId: keptVisit,
        start: new Date('2030-03-29T14:00:00Z'),
        typeCode: 'follow-up',
        providerId: 'dr-a',
        locationId: 'loc-7',
        patientId,
        ehr: { ehrAppointmentId: 'ehr-kept-2', ehrVersion: '5', revision: 3 },
      },
      { start: new Date('2030-03-28T14:00:00Z'), end: new Date('2030-03-28T14:30:00Z') },
    );
    await harness.publish(tenant, 'AppointmentBookedV1', {
      appointmentId: keptVisit,
      start: new Date('2030-03-28T14:00:00Z'),
      typeCode: 'follow-up',
      providerId: 'dr-a',
      locationId: 'loc-7',
      patientId,
      ehr: { ehrAppointmentId: 'ehr-kept-2', ehrVersion: '4', revision: 2 },
    });
    await harness.waitForConsumerToCatchUp();

    expect(await kept()).toEqual({ kept_ehr_appointment_id: 'ehr-kept-2', kept_ehr_version: '5' });
  });
});
