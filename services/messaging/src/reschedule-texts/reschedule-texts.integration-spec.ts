import { randomUUID } from 'node:crypto';

import {
  createEnvelope,
  RescheduleReason,
  type ScheduledAppointment,
  Topics,
} from '@caredispatch/contracts';
import { aScheduledAppointment, zoneAtLocalHour } from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';
import { INBOUND_SMS_PATH } from '../inbound/inbound-sms.controller';

const RESCHEDULE_WORDS = 'we must reschedule your visit';

describe('"we need to reschedule" texts (PostgreSQL + Kafka + Twilio stand-in)', () => {
  const harness = new MessagingHarness();
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  let phoneSeq = 0;
  const uniquePhone = (): string => `+1504${runPrefix}${String((phoneSeq += 1)).padStart(4, '0')}`;

  beforeAll(async () => {
    await harness.start();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  /** A visit in a zone where it is midday now, so no quiet hours hold the text. */
  function aVisit(phone: string, localHourNow = 12): ScheduledAppointment {
    const appointment = aScheduledAppointment({
      appointmentId: randomUUID(),
      phoneE164: phone,
      timeZone: zoneAtLocalHour(localHourNow),
      start: new Date(Date.now() + 26 * 3_600_000),
    });
    appointment.patient!.patientId = randomUUID();
    return appointment;
  }

  /** Books the visit until its confirmation reaches the phone (the consumer is positioned). */
  async function bookAndConfirm(appointment: ScheduledAppointment, phone: string): Promise<void> {
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
  }

  function rescheduleNeeded(appointment: ScheduledAppointment) {
    return createEnvelope(
      {
        type: 'PatientRescheduleNeededV1',
        payload: {
          appointmentId: appointment.appointmentId,
          appointmentStart: appointment.start,
          reason: RescheduleReason.PROVIDER_CALLED_OUT,
          planId: randomUUID(),
          planVersion: 2,
          callOutId: randomUUID(),
        },
        tenantId: harness.tenantId,
        aggregateId: appointment.appointmentId,
      },
      { producer: 'dispatch-optimizer' },
    );
  }

  async function rescheduleTextOf(appointmentId: string): Promise<{ state: string }[]> {
    return harness.query<{ state: string }>(
      `SELECT state FROM message WHERE appointment_id = $1 AND purpose = 'reschedule_needed'`,
      [appointmentId],
    );
  }

  async function waitForRescheduleText(appointmentId: string, state: string): Promise<void> {
    await waitFor(`reschedule text ${state}`, 30_000, async () => {
      const rows = await rescheduleTextOf(appointmentId);
      return rows.length === 1 && rows[0].state === state;
    });
  }

  function rescheduleTextsTo(phone: string): number {
    return harness.twilio
      .messages()
      .filter((sms) => sms.to === phone && sms.body.includes(RESCHEDULE_WORDS)).length;
  }

  it('should text one link that opens the visit with a new time and cancel, however often the event is delivered', async () => {
    const phone = uniquePhone();
    const visit = aVisit(phone);
    await bookAndConfirm(visit, phone);
    const event = rescheduleNeeded(visit);

    await harness.produce(event, Topics.DispatchRescheduleV1);
    await harness.produce(event, Topics.DispatchRescheduleV1);
    // A later re-plan announcing the same lost visit again (a new event id).
    await harness.produce({ ...event, eventId: randomUUID() }, Topics.DispatchRescheduleV1);

    const [sms] = await harness.twilio.waitForMessages(1, 30_000, (message) =>
      message.body.includes(RESCHEDULE_WORDS),
    );
    expect(sms.to).toBe(phone);
    expect(sms.body).toMatch(
      /^Acme Family Practice: we must reschedule your visit\. New time or cancel: \S+\/a\/[A-Za-z0-9_-]{22} Reply STOP to opt out\.$/,
    );
    const url = /(\S+\/a\/[A-Za-z0-9_-]{22})/.exec(sms.body)![1];
    const page = await fetch(`${harness.baseUrl}${new URL(url).pathname}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Change time');
    expect(html).toContain('Cancel');
    await waitForRescheduleText(visit.appointmentId, 'sent');
    expect(rescheduleTextsTo(phone)).toBe(1);
    // Audited like every text: one MessageQueuedV1 per queued row of the visit (this text's
    // included), and its send recorded as MessageSentV1 (its last event).
    const [text] = await harness.query<{ last_event_id: string }>(
      `SELECT last_event_id FROM message WHERE appointment_id = $1 AND purpose = 'reschedule_needed'`,
      [visit.appointmentId],
    );
    expect(
      await harness.query(`SELECT event_type FROM outbox_message WHERE event_id::text = $1`, [
        text.last_event_id,
      ]),
    ).toEqual([{ event_type: 'MessageSentV1' }]);
    const [queued] = await harness.query<{ events: number; messages: number }>(
      `SELECT (SELECT count(*)::int FROM outbox_message
                WHERE message_key = $1::text AND event_type = 'MessageQueuedV1') AS events,
              (SELECT count(*)::int FROM message
                WHERE appointment_id = $1::uuid AND state <> 'suppressed') AS messages`,
      [visit.appointmentId],
    );
    expect(queued.events).toBe(queued.messages);
  }, 120_000);

  it('should text a request that arrived before messaging knew the visit once the booking arrives', async () => {
    const phone = uniquePhone();
    const visit = aVisit(phone);
    // Positions the consumer on the appointment topic with another visit of the same patient.
    await bookAndConfirm(aVisit(phone), phone);

    await harness.produce(rescheduleNeeded(visit), Topics.DispatchRescheduleV1);
    await waitFor('request recorded', 30_000, async () => {
      const rows = await harness.query(
        `SELECT 1 FROM reschedule_text WHERE appointment_id = $1 AND state = 'pending'`,
        [visit.appointmentId],
      );
      return rows.length === 1;
    });
    await harness.produce(
      harness.envelope('AppointmentBookedV1', { appointment: visit }, visit.appointmentId),
    );

    await waitForRescheduleText(visit.appointmentId, 'sent');
    expect(rescheduleTextsTo(phone)).toBe(1);
  }, 120_000);

  it('should hold the text until the quiet hours end where the visit is', async () => {
    const phone = uniquePhone();
    // 03:00 there: the text waits for 08:00, five hours (give or take the minutes) away.
    const visit = aVisit(phone, 3);
    await bookAndConfirm(visit, phone);

    await harness.produce(rescheduleNeeded(visit), Topics.DispatchRescheduleV1);

    await waitForRescheduleText(visit.appointmentId, 'queued');
    const [held] = await harness.query<{ hours: string }>(
      `SELECT extract(epoch FROM next_attempt_at - now()) / 3600 AS hours FROM message
        WHERE appointment_id = $1 AND purpose = 'reschedule_needed'`,
      [visit.appointmentId],
    );
    expect(Number(held.hours)).toBeGreaterThan(4);
    expect(Number(held.hours)).toBeLessThanOrEqual(5);
    expect(rescheduleTextsTo(phone)).toBe(0);
  }, 120_000);

  it('should send nothing to a patient who opted out', async () => {
    const phone = uniquePhone();
    const visit = aVisit(phone);
    await bookAndConfirm(visit, phone);
    await harness.twilio.sendInboundSms(`${harness.baseUrl}${INBOUND_SMS_PATH}`, {
      from: phone,
      body: 'STOP',
    });
    await waitFor('consent withdrawn', 30_000, async () => {
      const rows = await harness.query(
        `SELECT 1 FROM consent WHERE patient_id = $1 AND channel = 'sms' AND state = 'withdrawn'`,
        [visit.patient!.patientId],
      );
      return rows.length === 1;
    });

    await harness.produce(rescheduleNeeded(visit), Topics.DispatchRescheduleV1);

    await waitForRescheduleText(visit.appointmentId, 'cancelled');
    expect(rescheduleTextsTo(phone)).toBe(0);
  }, 120_000);

  it('should send nothing for a visit cancelled before the request', async () => {
    const phone = uniquePhone();
    const visit = aVisit(phone);
    await bookAndConfirm(visit, phone);
    await harness.produce(
      harness.envelope(
        'AppointmentCancelledV1',
        { appointment: { ...visit, revision: 2 }, reasonCode: 'patient' },
        visit.appointmentId,
      ),
    );

    await waitFor('cancellation recorded', 30_000, async () => {
      const rows = await harness.query(
        `SELECT 1 FROM appointment_revision WHERE appointment_id = $1 AND cancelled`,
        [visit.appointmentId],
      );
      return rows.length === 1;
    });

    await harness.produce(rescheduleNeeded(visit), Topics.DispatchRescheduleV1);

    await waitFor('request closed', 30_000, async () => {
      const rows = await harness.query(
        `SELECT 1 FROM reschedule_text WHERE appointment_id = $1 AND state = 'closed'`,
        [visit.appointmentId],
      );
      return rows.length === 1;
    });
    expect(await rescheduleTextOf(visit.appointmentId)).toEqual([]);
    expect(rescheduleTextsTo(phone)).toBe(0);
  }, 120_000);
});
