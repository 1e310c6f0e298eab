import { randomUUID } from 'node:crypto';

import {
  createEnvelope,
  type EventPayloadInit,
  OfferOutcome,
  timestampFromDate,
  Topics,
} from '@caredispatch/contracts';
import { aScheduledAppointment, zoneAtLocalHour } from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';
import { INBOUND_SMS_PATH } from '../inbound/inbound-sms.controller';

import { renderOfferText } from './offer-text';

interface MessageRow {
  id: string;
  state: string;
  purpose: string;
  suppression_reason: string | null;
}

describe('waitlist offer texts (PostgreSQL + Kafka + Twilio stand-in)', () => {
  const harness = new MessagingHarness();
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  let phoneSeq = 0;
  const uniquePhone = (): string => `+1503${runPrefix}${String((phoneSeq += 1)).padStart(4, '0')}`;

  beforeAll(async () => {
    await harness.start();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  /** A patient messaging has texted (their booking confirmation), as waitlisted patients are. */
  async function knownPatient(): Promise<{
    patientId: string;
    phone: string;
    appointmentId: string;
  }> {
    const phone = uniquePhone();
    const patientId = randomUUID();
    const appointment = aScheduledAppointment({ appointmentId: randomUUID(), phoneE164: phone });
    appointment.patient!.patientId = patientId;
    await waitFor('the confirmation texted', 60_000, async () => {
      await harness.produce(
        harness.envelope('AppointmentBookedV1', { appointment }, appointment.appointmentId),
      );
      try {
        await harness.twilio.waitForMessages(1, 2_000, (sms) => sms.to === phone);
        return true;
      } catch {
        return false;
      }
    });
    return { patientId, phone, appointmentId: appointment.appointmentId };
  }

  function offerMade(
    patientId: string,
    overrides: Partial<EventPayloadInit<'WaitlistOfferMadeV1'>> & { holdMinutes?: number } = {},
  ) {
    const { holdMinutes = 15, ...fields } = overrides;
    const now = Date.now();
    const payload: EventPayloadInit<'WaitlistOfferMadeV1'> = {
      offerId: randomUUID(),
      slotId: randomUUID(),
      entryId: randomUUID(),
      patientId,
      wave: 1,
      rank: 1,
      slotStart: timestampFromDate(new Date(now + 20 * 3_600_000)),
      slotEnd: timestampFromDate(new Date(now + 20.5 * 3_600_000)),
      locationId: 'loc-1',
      providerId: 'prov-1',
      holdUntil: timestampFromDate(new Date(now + holdMinutes * 60_000)),
      timeZone: zoneAtLocalHour(12),
      locationName: 'Main St Clinic',
      ...fields,
    };
    const envelope = createEnvelope(
      {
        type: 'WaitlistOfferMadeV1',
        payload,
        tenantId: harness.tenantId,
        aggregateId: String(payload.slotId),
      },
      { producer: 'waitlist' },
    );
    return { envelope, offer: payload };
  }

  function offerResolved(
    made: ReturnType<typeof offerMade>,
    outcome: OfferOutcome,
    bookedInEhr = false,
  ) {
    const { offer } = made;
    return createEnvelope(
      {
        type: 'WaitlistOfferResolvedV1',
        payload: {
          offerId: offer.offerId,
          slotId: offer.slotId,
          entryId: offer.entryId,
          patientId: offer.patientId,
          outcome,
          bookedInEhr,
        },
        tenantId: harness.tenantId,
        aggregateId: String(offer.slotId),
      },
      { producer: 'waitlist' },
    );
  }

  /** The offer text's one-tap accept link (`{base}/o/{22-character token}`). */
  function acceptLinkIn(body: string): string {
    const url = /(https?:\/\/\S+\/o\/[A-Za-z0-9_-]{22})/.exec(body)?.[1];
    if (url === undefined) throw new Error('no accept link in the offer text');
    return url;
  }

  async function offerPage(
    url: string,
  ): Promise<{ status: number; html: string; headers: Headers }> {
    const response = await fetch(`${harness.baseUrl}${new URL(url).pathname}`);
    return { status: response.status, html: await response.text(), headers: response.headers };
  }

  async function acceptOnPage(url: string, formToken: string): Promise<number> {
    const response = await fetch(`${harness.baseUrl}${new URL(url).pathname}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ form: formToken }).toString(),
      redirect: 'manual',
    });
    await response.text();
    return response.status;
  }

  async function answersStaged(offerId: string): Promise<number> {
    const rows = await harness.query(
      `SELECT 1 FROM outbox_message WHERE message_key = $1 AND event_type = 'PatientAnsweredOfferV1'`,
      [offerId],
    );
    return rows.length;
  }

  async function offerTextOf(offerId: string): Promise<MessageRow | undefined> {
    const rows = await harness.query<MessageRow>(
      `SELECT id, state, purpose, suppression_reason FROM message
        WHERE appointment_id = $1 AND purpose = 'waitlist_offer'`,
      [offerId],
    );
    return rows.at(0);
  }

  async function waitForOfferText(offerId: string, state: string): Promise<MessageRow> {
    let found: MessageRow | undefined;
    await waitFor(`offer text ${state}`, 20_000, async () => {
      found = await offerTextOf(offerId);
      return found?.state === state;
    });
    return found!;
  }

  it('should text the patient one offer with day, local time, place and "Reply YES", however often it is delivered', async () => {
    const { patientId, phone } = await knownPatient();
    const made = offerMade(patientId);
    const { offer } = made;

    await harness.produce(made.envelope, Topics.WaitlistSlotV1);
    await harness.produce({ ...made.envelope, eventId: randomUUID() }, Topics.WaitlistSlotV1);

    const [sms] = await harness.twilio.waitForMessages(
      1,
      20_000,
      (message) => message.to === phone && message.body.includes('Reply YES'),
    );
    expect(sms.body).toBe(
      renderOfferText({
        practiceName: 'Acme Family Practice',
        start: new Date(Number(offer.slotStart!.seconds) * 1000),
        timeZone: String(offer.timeZone),
        locationName: 'Main St Clinic',
        holdUntil: new Date(Number(offer.holdUntil!.seconds) * 1000),
        acceptUrl: acceptLinkIn(sms.body),
      }),
    );
    await waitForOfferText(String(offer.offerId), 'sent');
    const all = await harness.query(
      `SELECT 1 FROM message WHERE appointment_id = $1 AND purpose = 'waitlist_offer'`,
      [offer.offerId],
    );
    expect(all).toHaveLength(1);
  }, 120_000);

  it('should carry a one-tap link whose page changes nothing and whose Accept answers once, as YES does', async () => {
    const { patientId, phone } = await knownPatient();
    const made = offerMade(patientId);
    const offerId = String(made.offer.offerId);
    await harness.produce(made.envelope, Topics.WaitlistSlotV1);
    const [sms] = await harness.twilio.waitForMessages(
      1,
      20_000,
      (message) => message.to === phone && message.body.includes('Reply YES'),
    );
    const url = acceptLinkIn(sms.body);

    const opened = await offerPage(url);
    await offerPage(url);

    expect(opened.status).toBe(200);
    expect(opened.html).toContain('Accept this time');
    expect(opened.html).toContain('Main St Clinic');
    expect(opened.headers.get('cache-control')).toBe('no-store');
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await answersStaged(offerId)).toBe(0);
    const [textRow] = await harness.query<{ state: string; accepted_at: Date | null }>(
      `SELECT state, accepted_at FROM waitlist_offer_text WHERE offer_id = $1`,
      [offerId],
    );
    expect(textRow).toEqual({ state: 'open', accepted_at: null });

    // A form this page never rendered (another site's) changes nothing.
    expect(await acceptOnPage(url, '1700000000.forged')).toBe(403);
    expect(await answersStaged(offerId)).toBe(0);

    const formToken = /name="form" value="([^"]+)"/.exec(opened.html)?.[1] ?? '';
    const answers = await Promise.all([acceptOnPage(url, formToken), acceptOnPage(url, formToken)]);
    expect(answers).toEqual([303, 303]);
    expect(await answersStaged(offerId)).toBe(1);
    expect((await offerPage(url)).html).toContain('We have your answer');
  }, 120_000);

  it('should show the neutral page for an offer link once its hold has passed, and accept nothing', async () => {
    const { patientId, phone } = await knownPatient();
    const made = offerMade(patientId, { holdMinutes: 0.5 });
    const offerId = String(made.offer.offerId);
    await harness.produce(made.envelope, Topics.WaitlistSlotV1);
    const [sms] = await harness.twilio.waitForMessages(
      1,
      20_000,
      (message) => message.to === phone && message.body.includes('Reply YES'),
    );
    const url = acceptLinkIn(sms.body);
    const formToken = /name="form" value="([^"]+)"/.exec((await offerPage(url)).html)?.[1] ?? '';
    const holdUntil = Number(made.offer.holdUntil!.seconds) * 1000;
    await waitFor('the hold to pass', 60_000, () =>
      Promise.resolve(Date.now() > holdUntil + 1_000),
    );

    const expired = await offerPage(url);

    expect(expired.status).toBe(404);
    expect(expired.html).not.toContain('Accept this time');
    expect(await acceptOnPage(url, formToken)).toBe(404);
    expect(await answersStaged(offerId)).toBe(0);
  }, 120_000);

  it('should hold the text until 08:00 local and withdraw it unsent when the offer expires first', async () => {
    const { patientId, phone } = await knownPatient();
    const made = offerMade(patientId, { timeZone: zoneAtLocalHour(7), holdMinutes: 180 });
    const offerId = String(made.offer.offerId);

    await harness.produce(made.envelope, Topics.WaitlistSlotV1);
    await waitForOfferText(offerId, 'queued');
    await harness.produce(offerResolved(made, OfferOutcome.EXPIRED), Topics.WaitlistSlotV1);

    await waitForOfferText(offerId, 'cancelled');
    const withdrawn = await harness.query(
      `SELECT 1 FROM outbox_message WHERE message_key = $1 AND event_type = 'MessageWithdrawnV1'`,
      [offerId],
    );
    expect(withdrawn).toHaveLength(1);
    expect(
      harness.twilio.messages().filter((sms) => sms.body.includes('Reply YES') && sms.to === phone),
    ).toEqual([]);
  }, 120_000);

  it('should not text an offer whose hold ends before quiet hours do', async () => {
    const { patientId } = await knownPatient();
    const made = offerMade(patientId, { timeZone: zoneAtLocalHour(2), holdMinutes: 15 });
    const offerId = String(made.offer.offerId);

    await harness.produce(made.envelope, Topics.WaitlistSlotV1);

    const row = await waitForOfferText(offerId, 'suppressed');
    expect(row.suppression_reason).toBe('quiet_hours_until_hold_ends');
  }, 120_000);

  it('should record the offer as suppressed when messaging has no number for the patient', async () => {
    const made = offerMade(randomUUID());
    const offerId = String(made.offer.offerId);

    await harness.produce(made.envelope, Topics.WaitlistSlotV1);

    const row = await waitForOfferText(offerId, 'suppressed');
    expect(row.suppression_reason).toBe('no_phone_number');
  }, 120_000);

  describe('answers', () => {
    const reply = (from: string, body: string) =>
      harness.twilio.sendInboundSms(`${harness.baseUrl}${INBOUND_SMS_PATH}`, { from, body });

    async function outboxCount(key: string, type: string): Promise<number> {
      const rows = await harness.query(
        `SELECT 1 FROM outbox_message WHERE message_key = $1 AND event_type = $2`,
        [key, type],
      );
      return rows.length;
    }

    function textsTo(phone: string, containing: string): number {
      return harness.twilio
        .messages()
        .filter((sms) => sms.to === phone && sms.body.includes(containing)).length;
    }

    /** An offer texted to a patient who also holds an open, confirmed appointment. */
    async function texted() {
      const patient = await knownPatient();
      const made = offerMade(patient.patientId);
      await harness.produce(made.envelope, Topics.WaitlistSlotV1);
      await waitForOfferText(String(made.offer.offerId), 'sent');
      return { ...patient, made, offerId: String(made.offer.offerId) };
    }

    it('should take YES to the newest offer text as accepting it (never as confirming the appointment) and text "booked" once', async () => {
      const { phone, appointmentId, made, offerId } = await texted();

      await reply(phone, 'YES');
      await reply(phone, 'yes');
      await waitFor(
        'the answer staged',
        20_000,
        async () => (await outboxCount(offerId, 'PatientAnsweredOfferV1')) === 1,
      );
      await harness.produce(offerResolved(made, OfferOutcome.ACCEPTED), Topics.WaitlistSlotV1);

      await harness.twilio.waitForMessages(
        1,
        20_000,
        (sms) => sms.to === phone && sms.body.includes('you are booked'),
      );
      expect(await outboxCount(offerId, 'PatientAnsweredOfferV1')).toBe(1);
      expect(await outboxCount(appointmentId, 'PatientRespondedV1')).toBe(0);
      expect(textsTo(phone, 'you are booked')).toBe(1);
      expect(textsTo(phone, 'no longer available')).toBe(0);
    }, 120_000);

    it('should send no "booked" text when the fill was booked in the EHR (its own confirmation tells the patient)', async () => {
      const { phone, made, offerId } = await texted();
      await reply(phone, 'YES');
      await waitFor(
        'the answer staged',
        20_000,
        async () => (await outboxCount(offerId, 'PatientAnsweredOfferV1')) === 1,
      );

      await harness.produce(
        offerResolved(made, OfferOutcome.ACCEPTED, true),
        Topics.WaitlistSlotV1,
      );
      await waitFor('the offer closed', 20_000, async () => {
        const rows = await harness.query<{ state: string }>(
          `SELECT state FROM waitlist_offer_text WHERE offer_id = $1`,
          [offerId],
        );
        return rows.at(0)?.state === 'closed';
      });

      // The outcome text would have been queued in the transaction that closed the offer.
      const outcomes = await harness.query(
        `SELECT 1 FROM message WHERE appointment_id = $1 AND purpose <> 'waitlist_offer'`,
        [offerId],
      );
      expect(outcomes).toEqual([]);
      expect(textsTo(phone, 'you are booked')).toBe(0);
    }, 120_000);

    it('should take NO to the newest offer text as declining it, once, and ask no person', async () => {
      const { phone, offerId } = await texted();

      // Each reply is answered after its transaction committed.
      expect((await reply(phone, 'No thanks')).status).toBe(200);
      expect((await reply(phone, 'NO')).status).toBe(200);

      expect(await outboxCount(offerId, 'PatientAnsweredOfferV1')).toBe(1);

      const [offerText] = await harness.query<{ state: string; accepted_at: Date | null }>(
        `SELECT state, accepted_at FROM waitlist_offer_text WHERE offer_id = $1`,
        [offerId],
      );
      expect(offerText).toEqual({ state: 'closed', accepted_at: null });
      expect(await outboxCount(offerId, 'StaffInboxItemV1')).toBe(0);
    }, 120_000);

    it('should tell a patient whose YES lost that the time is no longer available, once', async () => {
      const { phone, made, offerId } = await texted();

      await reply(phone, 'Y');
      await waitFor(
        'the answer staged',
        20_000,
        async () => (await outboxCount(offerId, 'PatientAnsweredOfferV1')) === 1,
      );
      await harness.produce(offerResolved(made, OfferOutcome.WITHDRAWN), Topics.WaitlistSlotV1);
      await harness.produce(
        { ...offerResolved(made, OfferOutcome.TOO_LATE) },
        Topics.WaitlistSlotV1,
      );

      await harness.twilio.waitForMessages(
        1,
        20_000,
        (sms) => sms.to === phone && sms.body.includes('no longer available'),
      );
      expect(textsTo(phone, 'no longer available')).toBe(1);
      expect(textsTo(phone, 'you are booked')).toBe(0);
    }, 120_000);

    it('should answer a YES after the offer ended with "no longer available" at once and ask the waitlist nothing', async () => {
      const { phone, made, offerId } = await texted();
      await harness.produce(offerResolved(made, OfferOutcome.EXPIRED), Topics.WaitlistSlotV1);
      await waitFor('the offer closed', 20_000, async () => {
        const rows = await harness.query<{ state: string }>(
          `SELECT state FROM waitlist_offer_text WHERE offer_id = $1`,
          [offerId],
        );
        return rows.at(0)?.state === 'closed';
      });

      await reply(phone, '1');

      await harness.twilio.waitForMessages(
        1,
        20_000,
        (sms) => sms.to === phone && sms.body.includes('no longer available'),
      );
      expect(await outboxCount(offerId, 'PatientAnsweredOfferV1')).toBe(0);
    }, 120_000);
  });
});
