import { randomBytes, randomUUID } from 'node:crypto';

import {
  createEnvelope,
  SlotSnapshotTrigger,
  timestampFromDate,
  Topics,
  WriteBackAction,
  WriteBackFailureReason,
} from '@caredispatch/contracts';
import { aScheduledAppointment, type AppointmentSpec, TwilioFailures } from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';
import { countSmsSegments } from '../reminders/planning/sms-segments';

interface LinkRow {
  appointment_revision: number;
  revoked_reason: string | null;
  token_digest: Buffer;
}

/** One-tap links and the patient page against real PostgreSQL and Kafka. */
describe('patient links (PostgreSQL + Kafka + Twilio stand-in)', () => {
  const harness = new MessagingHarness({
    // A thousand guesses come from one address: the per-IP limit is lifted here (per link stays).
    LINK_RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
    // A text Twilio refuses for a while keeps being retried (the harness retries every 200 ms).
    SENDER_MAX_ATTEMPTS: '150',
  });
  let phoneSeq = 0;
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');

  beforeAll(async () => {
    await harness.start();
    await warmUp();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  function uniquePhone(): string {
    phoneSeq += 1;
    return `+1501${runPrefix}${String(phoneSeq).padStart(4, '0')}`;
  }

  function inDays(days: number): Date {
    const at = new Date(Date.now() + days * 24 * 60 * 60_000);
    at.setUTCMinutes(0, 0, 0);
    return at;
  }

  function booked(spec: AppointmentSpec & { appointmentId: string }) {
    return harness.envelope(
      'AppointmentBookedV1',
      { appointment: aScheduledAppointment(spec) },
      spec.appointmentId,
    );
  }

  /** Books an appointment and returns the token of the link its confirmation carries. */
  async function bookAndGetToken(
    spec: Partial<AppointmentSpec> = {},
  ): Promise<{ appointmentId: string; token: string; phone: string }> {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    await harness.produce(
      booked({
        appointmentId,
        phoneE164: phone,
        start: inDays(3),
        providerName: 'Dr. Ana Ruiz',
        locationName: 'Main Street Clinic',
        addressLines: ['12 Main Street'],
        ...spec,
      }),
    );
    const [sms] = await harness.twilio.waitForMessages(1, 30_000, (m) => m.to === phone);
    return { appointmentId, token: tokenIn(sms.body), phone };
  }

  function tokenIn(body: string): string {
    const match = /\/a\/([A-Za-z0-9_-]{22})(?:\s|$)/.exec(body);
    if (!match?.[1]) throw new Error('no link in the text');
    return match[1];
  }

  async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${harness.baseUrl}${path}`, { headers, redirect: 'manual' });
  }

  async function post(path: string, form: Record<string, string>): Promise<Response> {
    return fetch(`${harness.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
  }

  async function formTokenOf(path: string): Promise<string> {
    const html = await (await get(path)).text();
    const match = /name="form" value="([^"]+)"/.exec(html);
    if (!match?.[1]) throw new Error(`no form on ${path}`);
    return match[1];
  }

  /**
   * Publishes one free EHR slot of `typeCode` in a Schedule of `actors` (a practitioner and a
   * location of the EHR) and waits until the page can offer it.
   */
  async function offerFreeSlot(
    typeCode: string,
    slotStart: Date,
    actors: { practitioner: string; location: string } = {
      practitioner: 'pr-1',
      location: 'loc-1',
    },
  ): Promise<string> {
    const slotId = `slot-${randomUUID()}`;
    const scheduleId = `sched-${randomUUID()}`;
    await harness.produceEvent(
      Topics.EhrSlotV1,
      createEnvelope(
        {
          type: 'EhrFreeSlotsV1',
          tenantId: harness.tenantId,
          aggregateId: scheduleId,
          payload: {
            sourceSystem: 'ehr-stand-in',
            ehrScheduleId: scheduleId,
            ehrPractitionerIds: [actors.practitioner],
            ehrLocationIds: [actors.location],
            appointmentTypeCodes: [typeCode],
            windowStart: timestampFromDate(new Date()),
            windowEnd: timestampFromDate(inDays(14)),
            observedAt: timestampFromDate(new Date()),
            trigger: SlotSnapshotTrigger.POLL,
            slots: [
              {
                slotId,
                start: timestampFromDate(slotStart),
                end: timestampFromDate(new Date(slotStart.getTime() + 30 * 60_000)),
                appointmentTypeCodes: [],
              },
            ],
          },
        },
        { producer: 'ehr-gateway' },
      ),
    );
    await waitFor('slot snapshot applied', 15_000, async () => {
      const rows = await harness.query(`SELECT 1 FROM ehr_free_slot WHERE slot_id = $1`, [slotId]);
      return rows.length === 1;
    });
    return slotId;
  }

  /** ehr-gateway's WriteBackFailedV1 for a response, as it would publish it; its event id. */
  async function writeBackFailed(input: {
    appointmentId: string;
    responseId: string;
    action: WriteBackAction;
    reason: WriteBackFailureReason;
    writeBackId?: string;
  }): Promise<string> {
    const envelope = createEnvelope(
      {
        type: 'WriteBackFailedV1',
        tenantId: harness.tenantId,
        aggregateId: input.appointmentId,
        payload: {
          writeBackId: input.writeBackId ?? randomUUID(),
          responseId: input.responseId,
          appointmentId: input.appointmentId,
          ehrAppointmentId: `ehr-${input.appointmentId}`,
          action: input.action,
          reason: input.reason,
          attempts: 1,
          failedAt: timestampFromDate(new Date()),
          httpStatus: 412,
          slotId: '',
          staffActionRequired: input.reason !== WriteBackFailureReason.SUPERSEDED_BY_STAFF,
        },
      },
      { producer: 'ehr-gateway' },
    );
    await harness.produceEvent(Topics.EhrWriteBackV1, envelope);
    return envelope.eventId;
  }

  async function waitForProcessed(eventId: string): Promise<void> {
    await waitFor('event processed', 20_000, async () => {
      const rows = await harness.query(`SELECT 1 FROM inbox_event WHERE event_id = $1`, [eventId]);
      return rows.length === 1;
    });
  }

  async function waitForWriteBackFailure(responseId: string): Promise<void> {
    await waitFor('write-back failure recorded', 20_000, async () => {
      const rows = await harness.query<{ write_back_failure: string | null }>(
        `SELECT write_back_failure FROM patient_response WHERE id = $1`,
        [responseId],
      );
      return rows[0]?.write_back_failure != null;
    });
  }

  async function responseIdOf(appointmentId: string): Promise<string> {
    const rows = await harness.query<{ id: string }>(
      `SELECT id FROM patient_response WHERE appointment_id = $1`,
      [appointmentId],
    );
    if (rows.length !== 1 || !rows[0]) throw new Error('expected one response');
    return rows[0].id;
  }

  async function responsesOf(appointmentId: string): Promise<{ kind: string }[]> {
    return harness.query(
      `SELECT kind, slot_id, cancellation_reason FROM patient_response WHERE appointment_id = $1 ORDER BY created_at`,
      [appointmentId],
    );
  }

  async function responseEventsOf(appointmentId: string): Promise<unknown[]> {
    return harness.query(
      `SELECT id FROM outbox_message WHERE message_key = $1 AND event_type = 'PatientRespondedV1'`,
      [appointmentId],
    );
  }

  async function linksOf(appointmentId: string): Promise<LinkRow[]> {
    return harness.query<LinkRow>(
      `SELECT appointment_revision, revoked_reason, token_digest FROM patient_link
        WHERE appointment_id = $1 ORDER BY appointment_revision`,
      [appointmentId],
    );
  }

  async function warmUp(): Promise<void> {
    const phone = uniquePhone();
    await waitFor('consumer positioned', 60_000, async () => {
      await harness.produce(booked({ appointmentId: randomUUID(), phoneE164: phone }));
      try {
        await harness.twilio.waitForMessages(1, 2_000, (message) => message.to === phone);
        return true;
      } catch {
        return false;
      }
    });
  }

  async function neutralReference(): Promise<{ status: number; body: string }> {
    const response = await get(`/a/${randomBytes(16).toString('base64url')}`);
    return { status: response.status, body: await response.text() };
  }

  it('should text a one-segment link that stores only a digest of its token', async () => {
    const { appointmentId, token, phone } = await bookAndGetToken();

    const [sms] = harness.twilio.messages().filter((m) => m.to === phone);
    expect(countSmsSegments(sms.body)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(sms.body).toContain(`${harness.baseUrl}/a/${token}`);
    const links = await linksOf(appointmentId);
    expect(links).toHaveLength(1);
    expect(links[0]?.token_digest.toString('base64url')).not.toContain(token);
    expect(
      await harness.query(
        `SELECT 1 FROM patient_link WHERE encode(token_digest, 'escape') LIKE $1`,
        [`%${token}%`],
      ),
    ).toEqual([]);
  });

  it('should show the visit on GET, with strict headers, and change nothing (prefetch)', async () => {
    const { appointmentId, token } = await bookAndGetToken();
    const before = await harness.query(`SELECT * FROM patient_link WHERE appointment_id = $1`, [
      appointmentId,
    ]);

    const sut = await get(`/a/${token}`);
    for (const path of [`/a/${token}`, `/a/${token}/cancel`, `/a/${token}/reschedule`]) {
      expect((await get(path)).status).toBe(200);
      expect((await fetch(`${harness.baseUrl}${path}`, { method: 'HEAD' })).status).toBe(200);
    }

    expect(sut.status).toBe(200);
    expect(sut.headers.get('referrer-policy')).toBe('no-referrer');
    expect(sut.headers.get('cache-control')).toBe('no-store');
    expect(sut.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(sut.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|script-src/);
    const html = await sut.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Acme Family Practice');
    expect(html).toContain('Dr. Ana Ruiz');
    expect(html).toContain('12 Main Street');
    expect(html).not.toContain('<script');
    expect(await responsesOf(appointmentId)).toEqual([]);
    expect(await responseEventsOf(appointmentId)).toEqual([]);
    expect(
      await harness.query(`SELECT * FROM patient_link WHERE appointment_id = $1`, [appointmentId]),
    ).toEqual(before);
    // Each view of the visit (GET and HEAD of the three steps) is recorded as a read of it.
    const [{ id: linkId }] = before as { id: string }[];
    expect(
      await harness.query(
        `SELECT event_type FROM outbox_message WHERE message_key = $1 AND topic = $2`,
        [`patient-link:${linkId}`, Topics.AuditPhiAccessV1],
      ),
    ).toEqual(Array.from({ length: 7 }, () => ({ event_type: 'PhiAccessedV1' })));
  });

  it('should render the page in Spanish for a Spanish-speaking browser', async () => {
    const { token } = await bookAndGetToken();

    const html = await (await get(`/a/${token}`, { 'accept-language': 'es-US,es;q=0.9' })).text();

    expect(html).toContain('<html lang="es">');
    expect(html).toContain('Confirmar');
  });

  it('should render the page in the patient language from the EHR, over the browser language', async () => {
    const { token, phone } = await bookAndGetToken({ preferredLanguage: 'es-MX' });

    const html = await (await get(`/a/${token}`, { 'accept-language': 'en-US,en;q=0.9' })).text();
    const switched = await (
      await get(`/a/${token}?lang=en`, { 'accept-language': 'es-US' })
    ).text();

    expect(html).toContain('<html lang="es">');
    expect(html).toContain('Confirmar');
    expect(switched).toContain('<html lang="en">');
    const [sms] = harness.twilio.messages().filter((m) => m.to === phone);
    expect(sms.body).toContain('su cita es el');
  });

  it('should fall back to the browser language when the patient language is not shipped', async () => {
    const { token } = await bookAndGetToken({ preferredLanguage: 'fr-CA' });

    const html = await (await get(`/a/${token}`, { 'accept-language': 'es-US' })).text();

    expect(html).toContain('<html lang="es">');
  });

  it('should confirm once for a double tap and publish one patient response', async () => {
    const { appointmentId, token } = await bookAndGetToken();
    const form = await formTokenOf(`/a/${token}`);

    const taps = await Promise.all([
      post(`/a/${token}/confirm`, { form }),
      post(`/a/${token}/confirm`, { form }),
    ]);
    const again = await post(`/a/${token}/confirm`, { form });

    expect([...taps, again].map((r) => r.status)).toEqual([303, 303, 303]);
    expect(again.headers.get('location')).toBe(`/a/${token}?lang=en`);
    expect(await responsesOf(appointmentId)).toEqual([
      { kind: 'confirmed', slot_id: null, cancellation_reason: null },
    ]);
    expect(await responseEventsOf(appointmentId)).toHaveLength(1);
    expect(await (await get(`/a/${token}`)).text()).toContain('Your visit is confirmed');
  });

  /** The PatientRequestedEarlierTimeV1 payloads staged for a visit. */
  async function earlierRequestsOf(appointmentId: string): Promise<unknown[]> {
    const events = await harness.outboxEvents(appointmentId, 'PatientRequestedEarlierTimeV1');
    return events.map((event) => event.payload);
  }

  it('should put a patient who asks for an earlier time on the list once, keep the visit and say so in their language', async () => {
    const patientId = randomUUID();
    const { appointmentId, token } = await bookAndGetToken({
      patientId,
      appointmentTypeCode: 'wound-check',
      preferredLanguage: 'es',
    });
    const html = await (await get(`/a/${token}`)).text();
    const form = /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
    // The page is in the patient's language, and so is its form's action.
    const action = `/a/${token}/earlier?lang=es`;
    expect(html).toContain(`action="${action}"`);

    const first = await post(action, { form });
    const page = await (await get(first.headers.get('location') ?? '')).text();
    const second = await post(action, { form });

    expect(first.status).toBe(303);
    expect(page).toContain('Gracias. Está en nuestra lista para una hora antes.');
    expect(page).not.toContain(`/a/${token}/earlier`);
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('Ya está en nuestra lista para una hora antes.');
    expect(await responsesOf(appointmentId)).toEqual([
      { kind: 'earlier_requested', slot_id: null, cancellation_reason: null },
    ]);
    // The waitlist hears it once, with ids only; the EHR hears nothing (the visit stays).
    const requests = await earlierRequestsOf(appointmentId);
    expect(requests).toEqual([
      expect.objectContaining({
        appointmentId,
        patientId,
        appointmentTypeCode: 'wound-check',
        preferredLanguage: 'es',
        smsConsent: true,
        emailConsent: false,
      }),
    ]);
    expect(await responseEventsOf(appointmentId)).toEqual([]);
    // Audited like every answer: the request is on the visit's trail (its aggregate).
    expect(
      await harness.query(
        `SELECT topic FROM outbox_message WHERE message_key = $1 AND event_type = 'PatientRequestedEarlierTimeV1'`,
        [appointmentId],
      ),
    ).toEqual([{ topic: Topics.MessagingPatientResponseV1 }]);
  });

  it('should let an expired or revoked link ask for nothing: the neutral page, no request', async () => {
    const expired = await bookAndGetToken();
    const form = await formTokenOf(`/a/${expired.token}`);
    await harness.query(
      `UPDATE patient_link SET expires_at = now() - interval '1 minute' WHERE appointment_id = $1`,
      [expired.appointmentId],
    );
    const revoked = await bookAndGetToken();
    const revokedForm = await formTokenOf(`/a/${revoked.token}`);
    // The office cancels the visit: its links are revoked.
    await harness.waitConsumed(
      await harness.produce(
        harness.envelope(
          'AppointmentCancelledV1',
          {
            appointment: aScheduledAppointment({
              appointmentId: revoked.appointmentId,
              phoneE164: revoked.phone,
              revision: 2,
              start: inDays(3),
            }),
            reasonCode: 'patient',
          },
          revoked.appointmentId,
        ),
      ),
    );

    const answers = await Promise.all([
      post(`/a/${expired.token}/earlier`, { form }),
      post(`/a/${revoked.token}/earlier`, { form: revokedForm }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([404, 404]);
    expect(await earlierRequestsOf(expired.appointmentId)).toEqual([]);
    expect(await earlierRequestsOf(revoked.appointmentId)).toEqual([]);
    expect(await responsesOf(expired.appointmentId)).toEqual([]);
  });

  it('should refuse an earlier-time request without this page’s form value (CSRF)', async () => {
    const { appointmentId, token } = await bookAndGetToken();

    const sut = await post(`/a/${token}/earlier`, { form: '1700000000.forged' });

    expect(sut.status).toBe(403);
    expect(await earlierRequestsOf(appointmentId)).toEqual([]);
  });

  it('should refuse a POST without the form value of this link page (CSRF) and change nothing', async () => {
    const { appointmentId, token } = await bookAndGetToken();
    const other = await bookAndGetToken();
    const otherForm = await formTokenOf(`/a/${other.token}`);

    const missing = await post(`/a/${token}/confirm`, {});
    const forged = await post(`/a/${token}/confirm`, {
      form: `${Math.floor(Date.now() / 1000)}.${'A'.repeat(43)}`,
    });
    const borrowed = await post(`/a/${token}/confirm`, { form: otherForm });

    expect([missing.status, forged.status, borrowed.status]).toEqual([403, 403, 403]);
    expect(await responsesOf(appointmentId)).toEqual([]);
  });

  it('should cancel with a coded reason after the confirm step, and offer nothing more', async () => {
    const { appointmentId, token } = await bookAndGetToken();
    const form = await formTokenOf(`/a/${token}/cancel`);

    const sut = await post(`/a/${token}/cancel`, { form, reason: 'transportation' });
    await post(`/a/${token}/confirm`, { form });

    expect(sut.status).toBe(303);
    expect(await responsesOf(appointmentId)).toEqual([
      { kind: 'cancelled', slot_id: null, cancellation_reason: 'transportation' },
    ]);
    expect(await (await get(`/a/${token}`)).text()).toContain('Your visit is cancelled');
  });

  it('should reject an uncoded cancellation reason', async () => {
    const { appointmentId, token } = await bookAndGetToken();
    const form = await formTokenOf(`/a/${token}/cancel`);

    const sut = await post(`/a/${token}/cancel`, { form, reason: 'my own words' });

    expect(sut.status).toBe(403);
    expect(await responsesOf(appointmentId)).toEqual([]);
  });

  it('should offer free EHR slots and book the one the patient picks', async () => {
    const typeCode = `type-${randomUUID().slice(0, 8)}`;
    const { appointmentId, token } = await bookAndGetToken({ appointmentTypeCode: typeCode });
    const slotId = await offerFreeSlot(typeCode, inDays(5));
    const page = await (await get(`/a/${token}/reschedule`)).text();
    const form = /name="form" value="([^"]+)"/.exec(page)?.[1] ?? '';

    const unknown = await post(`/a/${token}/reschedule`, { form, slot: 'slot-nobody-offered' });
    const sut = await post(`/a/${token}/reschedule`, { form, slot: slotId });

    expect(page).toContain(`value="${slotId}"`);
    expect(unknown.status).toBe(409);
    expect(sut.status).toBe(303);
    expect(await responsesOf(appointmentId)).toEqual([
      { kind: 'rescheduled', slot_id: slotId, cancellation_reason: null },
    ]);
    expect(await (await get(`/a/${token}`)).text()).toContain('We are moving your visit');
  });

  it('should offer only slots of the same type with the same provider or at the same location', async () => {
    const typeCode = `match-${randomUUID().slice(0, 8)}`;
    const practitioner = `prac-${randomUUID().slice(0, 8)}`;
    const location = `loc-${randomUUID().slice(0, 8)}`;
    const { token } = await bookAndGetToken({
      appointmentTypeCode: typeCode,
      ehrPractitionerId: practitioner,
      ehrLocationId: location,
    });
    const elsewhere = { practitioner: 'prac-other', location: 'loc-other' };
    const sameProvider = await offerFreeSlot(typeCode, inDays(4), { ...elsewhere, practitioner });
    const sameLocation = await offerFreeSlot(typeCode, inDays(5), { ...elsewhere, location });
    const neither = await offerFreeSlot(typeCode, inDays(6), elsewhere);
    const otherType = await offerFreeSlot(`other-${typeCode}`, inDays(7), {
      practitioner,
      location,
    });

    const page = await (await get(`/a/${token}/reschedule`)).text();

    const offered = [...page.matchAll(/name="slot" value="([^"]+)"/g)].map((match) => match[1]);
    expect(offered).toEqual([sameProvider, sameLocation]);
    expect(offered).not.toContain(neither);
    expect(offered).not.toContain(otherType);
  });

  it('should turn "call me" into a reschedule request and a staff inbox entry when no slot is free', async () => {
    const { appointmentId, token } = await bookAndGetToken({
      appointmentTypeCode: `none-${randomUUID().slice(0, 8)}`,
    });
    const page = await (await get(`/a/${token}/reschedule`)).text();
    const form = /name="form" value="([^"]+)"/.exec(page)?.[1] ?? '';

    await post(`/a/${token}/call-me`, { form });
    await post(`/a/${token}/call-me`, { form });

    expect(page).toContain('There are no open times');
    expect(await responsesOf(appointmentId)).toEqual([
      { kind: 'reschedule_requested', slot_id: null, cancellation_reason: null },
    ]);
    expect(
      await harness.query(`SELECT kind FROM staff_inbox_entry WHERE appointment_id = $1`, [
        appointmentId,
      ]),
    ).toEqual([{ kind: 'call_back_requested' }]);
  });

  it('should show "this appointment has changed" with the new time for a link to an older revision', async () => {
    const { appointmentId, token, phone } = await bookAndGetToken();
    const oldForm = await formTokenOf(`/a/${token}`);
    const newStart = new Date(inDays(4).getTime() + 90 * 60_000);
    await harness.produce(
      harness.envelope(
        'AppointmentRescheduledV1',
        {
          appointment: aScheduledAppointment({
            appointmentId,
            phoneE164: phone,
            revision: 2,
            start: newStart,
          }),
          previousStart: timestampFromDate(inDays(3)),
          previousEnd: timestampFromDate(inDays(3)),
        },
        appointmentId,
      ),
    );
    const texts = await harness.twilio.waitForMessages(2, 15_000, (m) => m.to === phone);
    const newToken = tokenIn(texts[1]?.body ?? '');

    const sut = await get(`/a/${token}`);
    const lateTap = await post(`/a/${token}/confirm`, { form: oldForm });

    expect(sut.status).toBe(200);
    const html = await sut.text();
    expect(html).toContain('This appointment has changed');
    expect(html).not.toContain('name="form"');
    expect(lateTap.status).toBe(200);
    expect(await responsesOf(appointmentId)).toEqual([]);
    expect(
      (await linksOf(appointmentId)).map((l) => [l.appointment_revision, l.revoked_reason]),
    ).toEqual([
      [1, 'appointment_moved'],
      [2, null],
    ]);
    expect((await get(`/a/${newToken}`)).status).toBe(200);
  });

  it('should give unknown, forged, malformed, expired and cancellation-revoked tokens one neutral page', async () => {
    const reference = await neutralReference();
    const expired = await bookAndGetToken();
    await harness.query(
      `UPDATE patient_link SET expires_at = now() - interval '1 minute' WHERE appointment_id = $1`,
      [expired.appointmentId],
    );
    const cancelled = await bookAndGetToken();
    const cancelledAt = await harness.produce(
      harness.envelope(
        'AppointmentCancelledV1',
        {
          appointment: aScheduledAppointment({
            appointmentId: cancelled.appointmentId,
            phoneE164: cancelled.phone,
            revision: 2,
            start: inDays(3),
          }),
          reasonCode: 'patient',
        },
        cancelled.appointmentId,
      ),
    );
    await harness.waitConsumed(cancelledAt);
    const forged = `${expired.token.slice(0, 21)}${expired.token.endsWith('A') ? 'B' : 'A'}`;

    const sut = await Promise.all(
      [expired.token, cancelled.token, forged, 'short', 'x'.repeat(300), '%00%2F..'].map(
        async (token) => {
          const response = await get(`/a/${token}`);
          return { status: response.status, body: await response.text() };
        },
      ),
    );

    expect(reference.status).toBe(404);
    expect(reference.body).toContain('This link is not available');
    for (const answer of sut) expect(answer).toEqual(reference);
    expect((await linksOf(cancelled.appointmentId)).map((l) => l.revoked_reason)).toEqual([
      'appointment_cancelled',
    ]);
  });

  it('should tell 1,000 random tokens nothing: one status, headers and body, no answer recorded', async () => {
    const reference = await neutralReference();
    const countAnswers = async (): Promise<unknown[]> =>
      harness.query(`SELECT count(*) AS n FROM patient_response WHERE tenant_id = $1`, [
        harness.tenantId,
      ]);
    const answersBefore = await countAnswers();
    const answers = new Set<string>();
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const token = randomBytes(16).toString('base64url');
          const response =
            batch % 2 === 0
              ? await get(`/a/${token}`)
              : await post(`/a/${token}/confirm`, { form: '1.x' });
          const headerNames = [...response.headers.keys()].sort().join(',');
          return `${response.status}\n${headerNames}\n${await response.text()}`;
        }),
      );
      for (const result of results) answers.add(result);
    }

    expect(answers.size).toBe(1);
    expect([...answers][0]).toMatch(/^404\n/);
    expect([...answers][0]?.endsWith(`\n${reference.body}`)).toBe(true);
    expect(await countAnswers()).toEqual(answersBefore);
  });

  it('should answer 429 once a link is opened more often than its per-minute limit', async () => {
    const { token } = await bookAndGetToken();

    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await get(`/a/${token}`)).status);

    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
  });
  it('should tell the patient when the picked slot was taken meanwhile, reopen the link and put it in the staff inbox', async () => {
    const typeCode = `taken-${randomUUID().slice(0, 8)}`;
    const { appointmentId, token, phone } = await bookAndGetToken({
      appointmentTypeCode: typeCode,
    });
    const slotId = await offerFreeSlot(typeCode, inDays(6));
    const form = await formTokenOf(`/a/${token}/reschedule`);
    await post(`/a/${token}/reschedule`, { form, slot: slotId });
    const responseId = await responseIdOf(appointmentId);

    await writeBackFailed({
      appointmentId,
      responseId,
      action: WriteBackAction.RESCHEDULE,
      reason: WriteBackFailureReason.SLOT_TAKEN,
    });
    await waitForWriteBackFailure(responseId);
    const texts = await harness.twilio.waitForMessages(2, 30_000, (m) => m.to === phone);

    expect(texts[1]?.body).toMatch(
      new RegExp(
        '^Acme Family Practice: that time was just taken; your visit stays .+\\. Pick another: ' +
          `${harness.baseUrl.replace(/[.]/g, '\\.')}/a/[A-Za-z0-9_-]{22}$`,
      ),
    );
    expect(countSmsSegments(texts[1]?.body ?? '')).toMatchObject({ segments: 1 });
    expect(tokenIn(texts[1]?.body ?? '')).not.toBe(token);
    expect(
      await harness.query(`SELECT write_back_failure FROM patient_response WHERE id = $1`, [
        responseId,
      ]),
    ).toEqual([{ write_back_failure: 'SLOT_TAKEN' }]);
    expect(
      await harness.query(`SELECT kind FROM staff_inbox_entry WHERE response_id = $1`, [
        responseId,
      ]),
    ).toEqual([{ kind: 'write_back_failed' }]);
    expect(
      await harness.query(
        `SELECT event_type FROM outbox_message WHERE message_key = $1 AND event_type = 'StaffInboxItemV1'`,
        [appointmentId],
      ),
    ).toHaveLength(1);
    // The failed answer no longer counts: the page offers the choices again.
    expect(await (await get(`/a/${token}`)).text()).not.toContain('We are moving your visit');
  });

  it('should tell the patient when the office changed the visit first (staff wins), without a staff inbox entry', async () => {
    const { appointmentId, token, phone } = await bookAndGetToken();
    await post(`/a/${token}/confirm`, { form: await formTokenOf(`/a/${token}`) });
    const responseId = await responseIdOf(appointmentId);

    await writeBackFailed({
      appointmentId,
      responseId,
      action: WriteBackAction.CONFIRM,
      reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
    });
    await waitForWriteBackFailure(responseId);
    const texts = await harness.twilio.waitForMessages(2, 30_000, (m) => m.to === phone);

    expect(texts[1]?.body).toContain(
      'our office changed your visit, so your answer was not applied.',
    );
    expect(
      await harness.query(`SELECT kind FROM staff_inbox_entry WHERE response_id = $1`, [
        responseId,
      ]),
    ).toEqual([]);
  });

  it('should leave a failed dispatch reassignment to dispatch’s exceptions queue: no staff inbox entry', async () => {
    const { appointmentId } = await bookAndGetToken();
    // dispatch's request id: no patient answer has it.
    const responseId = randomUUID();

    const eventId = await writeBackFailed({
      appointmentId,
      responseId,
      action: WriteBackAction.REASSIGN,
      reason: WriteBackFailureReason.REJECTED_BY_EHR,
    });
    await waitForProcessed(eventId);

    expect(
      await harness.query(`SELECT kind FROM staff_inbox_entry WHERE appointment_id = $1`, [
        appointmentId,
      ]),
    ).toEqual([]);
    expect(
      await harness.query(
        `SELECT 1 FROM outbox_message WHERE message_key = $1 AND event_type = 'StaffInboxItemV1'`,
        [appointmentId],
      ),
    ).toEqual([]);
  });

  it('should still tell the patient when the office’s change reaches messaging before that text went out', async () => {
    const { appointmentId, token, phone } = await bookAndGetToken();
    await post(`/a/${token}/confirm`, { form: await formTokenOf(`/a/${token}`) });
    const responseId = await responseIdOf(appointmentId);

    // Twilio refuses for a while: the notice waits, queued, while the office's move arrives.
    harness.twilio.failFor(60_000, TwilioFailures.tooManyRequests);
    try {
      await writeBackFailed({
        appointmentId,
        responseId,
        action: WriteBackAction.CONFIRM,
        reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
      });
      await waitForWriteBackFailure(responseId);
      await harness.produce(
        harness.envelope(
          'AppointmentRescheduledV1',
          {
            appointment: aScheduledAppointment({
              appointmentId,
              phoneE164: phone,
              revision: 2,
              start: inDays(5),
            }),
            previousStart: timestampFromDate(inDays(3)),
            previousEnd: timestampFromDate(inDays(3)),
          },
          appointmentId,
        ),
      );
      await waitFor('the move recorded', 20_000, async () =>
        (await linksOf(appointmentId)).some((link) => link.appointment_revision === 2),
      );
    } finally {
      harness.twilio.clearFaults();
    }
    const texts = await harness.twilio.waitForMessages(3, 30_000, (m) => m.to === phone);

    expect(
      texts.filter((text) =>
        text.body.includes('our office changed your visit, so your answer was not applied.'),
      ),
    ).toHaveLength(1);
    expect(texts.filter((text) => text.body.includes('moved to'))).toHaveLength(1);
  });

  it('should store a link only with its message: a repeated failure texts once and leaves no link without a message', async () => {
    const { appointmentId, token } = await bookAndGetToken();
    await post(`/a/${token}/confirm`, { form: await formTokenOf(`/a/${token}`) });
    const failure = {
      appointmentId,
      responseId: await responseIdOf(appointmentId),
      action: WriteBackAction.CONFIRM,
      reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
      writeBackId: randomUUID(),
    };

    // One write-back's failure published twice (e.g. the gateway's relay crashed after sending
    // it, before recording that it had): two events, the second's notice is a duplicate.
    await waitForProcessed(await writeBackFailed(failure));
    await waitForProcessed(await writeBackFailed(failure));

    expect(
      await harness.query(
        `SELECT purpose FROM message WHERE appointment_id = $1 ORDER BY created_at`,
        [appointmentId],
      ),
    ).toEqual([{ purpose: 'confirmation' }, { purpose: 'reply' }]);
    expect(
      await harness.query(
        `SELECT l.id FROM patient_link l
          WHERE l.appointment_id = $1
            AND NOT EXISTS (SELECT 1 FROM message m WHERE m.id = l.message_id)`,
        [appointmentId],
      ),
    ).toEqual([]);
    expect(await linksOf(appointmentId)).toHaveLength(2);
  });
});
