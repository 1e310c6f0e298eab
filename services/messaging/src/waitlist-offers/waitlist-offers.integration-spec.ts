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
import { PLAYBOOK_SETTINGS } from '../reminders/planning/cadence-settings';
import { countSmsSegments } from '../reminders/planning/sms-segments';

import { renderOfferText } from './offer-text';

const EMAIL_TYPE = 'email-72h';

interface MessageRow {
  id: string;
  state: string;
  purpose: string;
  suppression_reason: string | null;
}

describe('waitlist offer texts (PostgreSQL + Kafka + Twilio stand-in)', () => {
  // One reminder cadence, for the email tests' patients only (type EMAIL_TYPE): its email step.
  const harness = new MessagingHarness((tenantId) => ({
    REMINDER_SETTINGS: JSON.stringify({
      [tenantId]: {
        ...PLAYBOOK_SETTINGS,
        typeMappings: [{ code: EMAIL_TYPE, cadence: EMAIL_TYPE }],
        cadences: {
          default: { steps: [] },
          [EMAIL_TYPE]: {
            steps: [
              {
                key: 'email-72h',
                channel: 'email',
                timing: { kind: 'before', minutes: 72 * 60 },
                template: 'reminder',
              },
            ],
          },
        },
      },
    }),
  }));
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
  async function knownPatient(preferredLanguage?: string): Promise<{
    patientId: string;
    phone: string;
    appointmentId: string;
  }> {
    const phone = uniquePhone();
    const patientId = randomUUID();
    const appointment = aScheduledAppointment({ appointmentId: randomUUID(), phoneE164: phone });
    appointment.patient!.patientId = patientId;
    if (preferredLanguage !== undefined) appointment.patient!.preferredLanguage = preferredLanguage;
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

  /** "Link opened" records of the offer's link (PhiAccessedV1 keyed by the link). */
  async function offerPageReads(offerId: string): Promise<Record<string, unknown>[]> {
    const links = await harness.query<{ id: string }>(
      `SELECT id FROM patient_link WHERE appointment_id = $1`,
      [offerId],
    );
    const link = links.at(0);
    if (link === undefined) return [];
    const events = await harness.outboxEvents(`patient-link:${link.id}`);
    return events.map((event) => ({ eventType: event.type, ...event.payload }));
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
        WHERE appointment_id = $1 AND purpose = 'waitlist_offer' AND channel = 'sms'`,
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

    // Each view is recorded as a read of the offer by the link, as the appointment page's are.
    expect(await offerPageReads(offerId)).toEqual(
      Array.from({ length: 2 }, (): unknown =>
        expect.objectContaining({
          eventType: 'PhiAccessedV1',
          route: 'GET /o/:token',
          resourceType: 'WaitlistOffer',
          resourceIds: [offerId],
          patientIds: [patientId],
        }),
      ),
    );
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

  it('should text a Spanish-speaking patient the offer in Spanish, "Responda SI", one segment', async () => {
    const { patientId, phone } = await knownPatient('es-MX');
    const made = offerMade(patientId);
    const { offer } = made;

    await harness.produce(made.envelope, Topics.WaitlistSlotV1);

    const [sms] = await harness.twilio.waitForMessages(
      1,
      20_000,
      (message) => message.to === phone && message.body.includes('/o/'),
    );
    expect(sms.body).toBe(
      renderOfferText({
        practiceName: 'Acme Family Practice',
        start: new Date(Number(offer.slotStart!.seconds) * 1000),
        timeZone: String(offer.timeZone),
        locationName: 'Main St Clinic',
        holdUntil: new Date(Number(offer.holdUntil!.seconds) * 1000),
        acceptUrl: acceptLinkIn(sms.body),
        language: 'es',
      }),
    );
    expect(sms.body).toContain('Responda SI');
    expect(countSmsSegments(sms.body).segments).toBe(1);
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
    // The neutral page shows nothing and records nothing: only the one view before the hold ended.
    expect(await offerPageReads(offerId)).toHaveLength(1);
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

  describe('offer emails (SMTP stand-in)', () => {
    let emailSeq = 0;
    const uniqueEmail = (): string => `wl.${runPrefix}.${(emailSeq += 1)}@example.test`;

    /**
     * A patient messaging holds an address for: their booking (2030, type EMAIL_TYPE) plans the
     * three-day email reminder, queued long before it falls due — what messaging knows them by.
     */
    async function emailPatient(spec: {
      phone?: boolean;
      preferredLanguage?: string;
    }): Promise<{ patientId: string; email: string; phone: string }> {
      const email = uniqueEmail();
      const phone = uniquePhone();
      const patientId = randomUUID();
      const appointment = aScheduledAppointment({
        appointmentId: randomUUID(),
        appointmentTypeCode: EMAIL_TYPE,
        phoneE164: phone,
        smsConsent: spec.phone ?? true,
        email,
        ...(spec.preferredLanguage === undefined
          ? {}
          : { preferredLanguage: spec.preferredLanguage }),
      });
      appointment.patient!.patientId = patientId;
      await waitFor('the email reminder planned', 60_000, async () => {
        await harness.produce(
          harness.envelope('AppointmentBookedV1', { appointment }, appointment.appointmentId),
        );
        const rows = await harness.query(
          `SELECT 1 FROM message WHERE patient_id = $1 AND channel = 'email' AND state = 'queued'`,
          [patientId],
        );
        return rows.length > 0;
      });
      return { patientId, email, phone };
    }

    interface EmailRow {
      id: string;
      state: string;
      step_key: string;
    }

    async function offerEmailsOf(offerId: string): Promise<EmailRow[]> {
      return harness.query<EmailRow>(
        `SELECT id, state, step_key FROM message
          WHERE appointment_id = $1 AND purpose = 'waitlist_offer' AND channel = 'email'`,
        [offerId],
      );
    }

    async function waitForOfferEmail(offerId: string, state: string): Promise<EmailRow> {
      let found: EmailRow | undefined;
      await waitFor(`offer email ${state}`, 20_000, async () => {
        found = (await offerEmailsOf(offerId)).at(0);
        return found?.state === state;
      });
      return found!;
    }

    const offerEmailsTo = (email: string) =>
      harness.smtp
        .messages()
        .filter((mail) => mail.to.includes(email) && mail.text.includes('/o/'));

    /**
     * Proves an earlier delivery on the slot's partition was handled: a later offer of the same
     * slot (same key, same partition) to an unknown patient is recorded after it.
     */
    async function afterSlotEvents(made: ReturnType<typeof offerMade>): Promise<void> {
      const marker = offerMade(randomUUID(), { slotId: made.offer.slotId });
      await harness.produce(marker.envelope, Topics.WaitlistSlotV1);
      await waitForOfferText(String(marker.offer.offerId), 'suppressed');
    }

    it('should email a consented patient the offer once, with the text’s accept link, minimum content and List-Unsubscribe, however often it is delivered', async () => {
      const { patientId, email, phone } = await emailPatient({});
      const made = offerMade(patientId);
      const offerId = String(made.offer.offerId);

      await harness.produce(made.envelope, Topics.WaitlistSlotV1);
      const [mail] = await harness.smtp.waitForMessages(
        1,
        20_000,
        (received) => received.to.includes(email) && received.text.includes('/o/'),
      );
      const [sms] = await harness.twilio.waitForMessages(
        1,
        20_000,
        (message) => message.to === phone && message.body.includes('Reply YES'),
      );
      // One link per offer: the email carries the text's.
      expect(mail.text).toContain(acceptLinkIn(sms.body));
      expect(mail.html).toContain(acceptLinkIn(sms.body));
      expect(mail.subject).toMatch(/^Acme Family Practice: an earlier visit is open /);
      expect(mail.text).toContain('Place: Main St Clinic');
      expect(mail.text).toMatch(/holding it for you until \d{1,2}:\d{2} [AP]M/);
      expect(mail.headers['list-unsubscribe']).toMatch(/\/v1\/email\/unsubscribe\//);
      expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      const page = await offerPage(acceptLinkIn(mail.text));
      expect(page.status).toBe(200);

      await harness.produce({ ...made.envelope, eventId: randomUUID() }, Topics.WaitlistSlotV1);
      await afterSlotEvents(made);
      await waitForOfferEmail(offerId, 'sent');
      expect(await offerEmailsOf(offerId)).toHaveLength(1);
      expect(offerEmailsTo(email)).toHaveLength(1);
      const links = await harness.query(
        `SELECT 1 FROM patient_link WHERE appointment_id = $1 AND purpose = 'waitlist_offer'`,
        [offerId],
      );
      expect(links).toHaveLength(1);
    }, 120_000);

    it('should email instead of texting, in Spanish, a patient without SMS consent', async () => {
      const { patientId, email } = await emailPatient({ phone: false, preferredLanguage: 'es' });
      const made = offerMade(patientId);
      const offerId = String(made.offer.offerId);

      await harness.produce(made.envelope, Topics.WaitlistSlotV1);

      const [mail] = await harness.smtp.waitForMessages(
        1,
        20_000,
        (received) => received.to.includes(email) && received.text.includes('/o/'),
      );
      expect(mail.subject).toMatch(/^Acme Family Practice: hay una cita antes disponible el /);
      expect(mail.text).toContain('Lugar: Main St Clinic');
      expect((await offerPage(acceptLinkIn(mail.text))).status).toBe(200);
      const text = await waitForOfferText(offerId, 'suppressed');
      expect(text.suppression_reason).toBe('no_phone_number');
    }, 120_000);

    it('should email a patient whose language the texts do not ship in the practice’s default language', async () => {
      const current = await harness.reminderSettings.read(harness.tenantId);
      await harness.reminderSettings.replace(
        harness.tenantId,
        { ...current.settings, defaultLanguage: 'es' },
        'it',
      );
      try {
        const { patientId, email } = await emailPatient({ phone: false, preferredLanguage: 'fr' });
        const made = offerMade(patientId);

        await harness.produce(made.envelope, Topics.WaitlistSlotV1);

        const [mail] = await harness.smtp.waitForMessages(
          1,
          20_000,
          (received) => received.to.includes(email) && received.text.includes('/o/'),
        );
        expect(mail.subject).toMatch(/^Acme Family Practice: hay una cita antes disponible el /);
      } finally {
        await harness.reminderSettings.replace(harness.tenantId, current.settings, 'it');
      }
    }, 120_000);

    it('should not email a patient whose email consent is withdrawn', async () => {
      const { patientId, email, phone } = await emailPatient({});
      // As an unsubscribe (or staff) would leave it; the address is still on file.
      await harness.query(
        `UPDATE consent SET state = 'withdrawn', source = 'unsubscribe_link'
          WHERE patient_id = $1 AND channel = 'email'`,
        [patientId],
      );
      const made = offerMade(patientId);
      const offerId = String(made.offer.offerId);

      await harness.produce(made.envelope, Topics.WaitlistSlotV1);

      await waitForOfferText(offerId, 'sent');
      await harness.twilio.waitForMessages(
        1,
        20_000,
        (message) => message.to === phone && message.body.includes('Reply YES'),
      );
      expect(await offerEmailsOf(offerId)).toEqual([]);
      expect(offerEmailsTo(email)).toEqual([]);
    }, 120_000);

    it('should withdraw a queued offer email unsent when the offer expires before it goes', async () => {
      const { patientId, email } = await emailPatient({});
      const made = offerMade(patientId, { timeZone: zoneAtLocalHour(7), holdMinutes: 180 });
      const offerId = String(made.offer.offerId);

      await harness.produce(made.envelope, Topics.WaitlistSlotV1);
      await waitForOfferEmail(offerId, 'queued');
      await harness.produce(offerResolved(made, OfferOutcome.EXPIRED), Topics.WaitlistSlotV1);

      await waitForOfferEmail(offerId, 'cancelled');
      await waitForOfferText(offerId, 'cancelled');
      const withdrawn = await harness.query(
        `SELECT 1 FROM outbox_message WHERE message_key = $1 AND event_type = 'MessageWithdrawnV1'`,
        [offerId],
      );
      expect(withdrawn).toHaveLength(2);
      expect(offerEmailsTo(email)).toEqual([]);
    }, 120_000);
  });

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
