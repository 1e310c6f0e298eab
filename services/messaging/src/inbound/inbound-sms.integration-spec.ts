import { randomUUID } from 'node:crypto';

import {
  ConsentSource,
  createEnvelope,
  ConsentState,
  decodeEvent,
  type DecodedEvent,
  type EventType,
  ResponseKind,
  ResponseSource,
  StaffInboxItemKind,
  Topics,
  WithdrawalReason,
} from '@caredispatch/contracts';
import {
  aScheduledAppointment,
  type AppointmentSpec,
  TopicRecorder,
  TwilioFailures,
} from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';
import { PLAYBOOK_SETTINGS } from '../reminders/planning/cadence-settings';

import { INBOUND_SMS_PATH } from './inbound-sms.controller';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const RECORDED_TOPICS = [
  Topics.MessagingPatientResponseV1,
  Topics.MessagingStaffInboxV1,
  Topics.MessagingConsentV1,
  Topics.MessagingReminderV1,
  Topics.MessagingMessageV1,
];

describe('inbound SMS (PostgreSQL + Kafka + Twilio stand-in)', () => {
  // The playbook's SMS 24 h before: a visit in 2030 has a reminder pending for years.
  const harness = new MessagingHarness((tenantId) => ({
    REMINDER_SETTINGS: JSON.stringify({ [tenantId]: PLAYBOOK_SETTINGS }),
  }));
  const recorder = new TopicRecorder(BROKERS);
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  let phoneSeq = 0;
  const uniquePhone = (): string => `+1502${runPrefix}${String((phoneSeq += 1)).padStart(4, '0')}`;
  let inboundUrl = '';

  beforeAll(async () => {
    await harness.start();
    inboundUrl = `${harness.baseUrl}${INBOUND_SMS_PATH}`;
    await recorder.start(RECORDED_TOPICS, false);
  }, 120_000);

  afterAll(async () => {
    await recorder.stop();
    await harness.stop();
  });

  /** Books a visit and waits until its confirmation text has reached the patient. */
  async function bookAndConfirm(
    spec: AppointmentSpec & { phoneE164: string },
    tenantId = harness.tenantId,
  ): Promise<{ appointmentId: string; ehrAppointmentId: string; patientId: string }> {
    const appointment = aScheduledAppointment({ appointmentId: randomUUID(), ...spec });
    const before = harness.twilio.messages().filter((sms) => sms.to === spec.phoneE164).length;
    await harness.produce(
      createEnvelope(
        {
          type: 'AppointmentBookedV1',
          payload: { appointment },
          tenantId,
          aggregateId: appointment.appointmentId,
        },
        { producer: 'scheduling' },
      ),
    );
    await harness.twilio.waitForMessages(before + 1, 60_000, (sms) => sms.to === spec.phoneE164);
    await waitFor('the confirmation recorded as sent', 10_000, async () => {
      const rows = await harness.query<{ state: string }>(
        `SELECT state FROM message WHERE appointment_id = $1 AND purpose = 'confirmation'`,
        [appointment.appointmentId],
      );
      return rows.at(0)?.state === 'sent';
    });
    return {
      appointmentId: appointment.appointmentId,
      ehrAppointmentId: appointment.ehrAppointmentId,
      patientId: appointment.patient?.patientId ?? '',
    };
  }

  /** One tenant's events of one type, decoded. */
  function eventsOf<T extends EventType>(type: T, tenantId = harness.tenantId): DecodedEvent<T>[] {
    const decoded: DecodedEvent[] = recorder
      .messages()
      .map((message) => decodeEvent(message.value))
      .filter((event) => event.type === type && event.envelope.tenantId === tenantId);
    // The filter above checked `type`: the union narrows to T's member.
    return decoded as unknown as DecodedEvent<T>[];
  }

  async function waitForEvents<T extends EventType>(
    type: T,
    count: number,
    where: (event: DecodedEvent<T>) => boolean,
    tenantId = harness.tenantId,
  ): Promise<DecodedEvent<T>[]> {
    await waitFor(`${count} ${type}`, 30_000, () =>
      Promise.resolve(eventsOf(type, tenantId).filter(where).length >= count),
    );
    return eventsOf(type, tenantId).filter(where);
  }

  function textsTo(phone: string): string[] {
    return harness.twilio
      .messages()
      .filter((sms) => sms.to === phone)
      .map((sms) => sms.body);
  }

  it('should publish CONFIRMED for "1" once, however often Twilio posts the same Message SID', async () => {
    const phone = uniquePhone();
    const visit = await bookAndConfirm({ phoneE164: phone });

    const first = await harness.twilio.sendInboundSms(inboundUrl, { from: phone, body: 'Yes!' });
    const retry = await harness.twilio.sendInboundSms(inboundUrl, {
      from: phone,
      body: 'Yes!',
      messageSid: first.messageSid,
    });

    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(first.body).toContain('<Response></Response>');
    const [response] = await waitForEvents(
      'PatientRespondedV1',
      1,
      (event) => event.payload.appointmentId === visit.appointmentId,
    );
    expect(response.payload).toEqual(
      expect.objectContaining({
        appointmentId: visit.appointmentId,
        ehrAppointmentId: visit.ehrAppointmentId,
        appointmentRevision: 1,
        kind: ResponseKind.CONFIRMED,
        source: ResponseSource.SMS_REPLY,
      }),
    );
    const [confirmation] = await harness.query<{ id: string }>(
      `SELECT id FROM message WHERE appointment_id = $1 AND purpose = 'confirmation'`,
      [visit.appointmentId],
    );
    expect(response.payload.messageId).toBe(confirmation.id);
    expect(
      await harness.query(`SELECT 1 FROM inbound_message WHERE provider_message_id = $1`, [
        first.messageSid,
      ]),
    ).toHaveLength(1);
    // Staged once: the retried webhook wrote nothing to the outbox.
    expect(
      await harness.query(
        `SELECT event_type FROM outbox_message WHERE message_key = $1 AND event_type = 'PatientRespondedV1'`,
        [visit.appointmentId],
      ),
    ).toHaveLength(1);
  }, 120_000);

  it('should publish RESCHEDULE_REQUESTED with a staff inbox entry for "2", and CANCELLED for "3"', async () => {
    const reschedulePhone = uniquePhone();
    const cancelPhone = uniquePhone();
    const toMove = await bookAndConfirm({ phoneE164: reschedulePhone });
    const toCancel = await bookAndConfirm({ phoneE164: cancelPhone });

    await harness.twilio.sendInboundSms(inboundUrl, { from: reschedulePhone, body: 'R' });
    await harness.twilio.sendInboundSms(inboundUrl, { from: cancelPhone, body: '3' });

    const [moved] = await waitForEvents(
      'PatientRespondedV1',
      1,
      (event) => event.payload.appointmentId === toMove.appointmentId,
    );
    expect(moved.payload.kind).toBe(ResponseKind.RESCHEDULE_REQUESTED);
    const [inbox] = await waitForEvents(
      'StaffInboxItemV1',
      1,
      (event) => event.payload.appointmentId === toMove.appointmentId,
    );
    expect(inbox.payload).toEqual(
      expect.objectContaining({
        kind: StaffInboxItemKind.RESCHEDULE_REQUESTED,
        patientId: toMove.patientId,
      }),
    );
    const [cancelled] = await waitForEvents(
      'PatientRespondedV1',
      1,
      (event) => event.payload.appointmentId === toCancel.appointmentId,
    );
    expect(cancelled.payload.kind).toBe(ResponseKind.CANCELLED);
  }, 120_000);

  it('should reject a reply with a bad signature and change nothing', async () => {
    const phone = uniquePhone();
    const visit = await bookAndConfirm({ phoneE164: phone });

    const sut = await harness.twilio.sendInboundSms(inboundUrl, {
      from: phone,
      body: 'STOP',
      signWithAuthToken: 'not-the-auth-token',
    });

    expect(sut.status).toBe(403);
    expect(
      await harness.query(`SELECT 1 FROM inbound_message WHERE provider_message_id = $1`, [
        sut.messageSid,
      ]),
    ).toEqual([]);
    expect(
      await harness.query(`SELECT state, source FROM consent WHERE patient_id = $1`, [
        visit.patientId,
      ]),
    ).toEqual([{ state: 'granted', source: 'ehr' }]);
    expect(
      await harness.query<{ state: string }>(
        `SELECT state FROM message WHERE appointment_id = $1 AND purpose = 'reminder'`,
        [visit.appointmentId],
      ),
    ).toEqual([{ state: 'queued' }]);
  }, 120_000);

  it('should withdraw consent and pending texts on STOP with exactly one confirmation, and re-enable on START', async () => {
    const phone = uniquePhone();
    const patientId = randomUUID();
    const visit = await bookAndConfirm({ phoneE164: phone, patientId });

    const stop = await harness.twilio.sendInboundSms(inboundUrl, { from: phone, body: 'STOP' });
    await harness.twilio.sendInboundSms(inboundUrl, { from: phone, body: 'stop please' });

    expect(stop.status).toBe(200);
    const texts = await harness.twilio.waitForMessages(2, 30_000, (sms) => sms.to === phone);
    expect(texts[1].body).toBe(
      'Acme Family Practice: You are unsubscribed and will get no more texts. Reply START to resubscribe.',
    );
    expect(
      await harness.query(
        `SELECT state, source FROM consent WHERE patient_id = $1 AND channel = 'sms'`,
        [patientId],
      ),
    ).toEqual([{ state: 'withdrawn', source: 'keyword' }]);
    expect(
      await harness.query(
        `SELECT purpose, state FROM message WHERE appointment_id = $1 ORDER BY created_at, purpose`,
        [visit.appointmentId],
      ),
    ).toEqual([
      { purpose: 'confirmation', state: 'sent' },
      { purpose: 'reminder', state: 'cancelled' },
      { purpose: 'reply', state: expect.stringMatching(/^(queued|sending|sent)$/) as string },
    ]);
    const [consentChange] = await waitForEvents(
      'ConsentChangedV1',
      1,
      (event) =>
        event.payload.patientId === patientId && event.payload.state === ConsentState.WITHDRAWN,
    );
    expect(consentChange.payload).toEqual(
      expect.objectContaining({
        previousState: ConsentState.GRANTED,
        source: ConsentSource.KEYWORD,
        withdrawnSends: 1,
      }),
    );
    const [withdrawn] = await waitForEvents(
      'MessageWithdrawnV1',
      1,
      (event) => event.payload.appointmentId === visit.appointmentId,
    );
    expect(withdrawn.payload.reason).toBe(WithdrawalReason.CONSENT_WITHDRAWN);

    // A later booking whose EHR flag still says yes gets no text: the STOP outranks it.
    const next = aScheduledAppointment({ phoneE164: phone, patientId });
    const booked = await harness.produce(
      harness.envelope('AppointmentBookedV1', { appointment: next }, next.appointmentId),
    );
    await harness.waitConsumed(booked);
    await waitFor('the new confirmation withdrawn at send time', 20_000, async () => {
      const rows = await harness.query<{ purpose: string; state: string }>(
        `SELECT purpose, state FROM message WHERE appointment_id = $1`,
        [next.appointmentId],
      );
      return (
        rows.length === 1 && rows[0].purpose === 'confirmation' && rows[0].state === 'cancelled'
      );
    });

    await harness.twilio.sendInboundSms(inboundUrl, { from: phone, body: 'START' });
    const afterStart = await harness.twilio.waitForMessages(3, 30_000, (sms) => sms.to === phone);
    expect(afterStart[2].body).toContain('You are resubscribed');
    expect(textsTo(phone)).toHaveLength(3);
    expect(
      await harness.query(`SELECT state FROM consent WHERE patient_id = $1`, [patientId]),
    ).toEqual([{ state: 'granted' }]);
  }, 180_000);

  it.each([
    ['PARAR', 'Acme Family Practice: Ya no recibira mas mensajes'],
    ['please stop texting me', 'Acme Family Practice: You are unsubscribed'],
  ])(
    'should treat "%s" as an opt-out',
    async (body, confirmation) => {
      const phone = uniquePhone();
      await bookAndConfirm({ phoneE164: phone });

      await harness.twilio.sendInboundSms(inboundUrl, { from: phone, body });

      const texts = await harness.twilio.waitForMessages(2, 30_000, (sms) => sms.to === phone);
      expect(texts[1].body).toContain(confirmation);
    },
    120_000,
  );

  it('should answer HELP with the help text and put any other reply in the staff inbox', async () => {
    const phone = uniquePhone();
    const visit = await bookAndConfirm({ phoneE164: phone });

    await harness.twilio.sendInboundSms(inboundUrl, { from: phone, body: 'HELP' });
    const other = await harness.twilio.sendInboundSms(inboundUrl, {
      from: phone,
      body: 'running 10 min late, sorry 🙏',
    });

    const texts = await harness.twilio.waitForMessages(2, 30_000, (sms) => sms.to === phone);
    expect(texts[1].body).toContain('Reply 1 confirm, 2 reschedule, 3 cancel, STOP to opt out');
    const [item] = await waitForEvents(
      'StaffInboxItemV1',
      1,
      (event) => event.payload.appointmentId === visit.appointmentId,
    );
    expect(item.payload.kind).toBe(StaffInboxItemKind.UNRECOGNIZED_REPLY);
    const [stored] = await harness.query<{ id: string; body: string }>(
      `SELECT id, body FROM inbound_message WHERE provider_message_id = $1`,
      [other.messageSid],
    );
    expect(item.payload.inboundMessageId).toBe(stored.id);
    // The text is PHI: encrypted at rest, never on the event.
    expect(stored.body).toMatch(/^phi1\./);
    const published = recorder.messages().map((message) => message.value?.toString('latin1') ?? '');
    expect(published.filter((value) => value.includes('late, sorry'))).toEqual([]);
    expect(published.filter((value) => value.includes(phone))).toEqual([]);
  }, 120_000);

  it('should record an opt-out when Twilio refuses a text with 21610 and withdraw the pending reminder', async () => {
    const phone = uniquePhone();
    const appointment = aScheduledAppointment({ phoneE164: phone });
    const patientId = appointment.patient?.patientId ?? '';
    harness.twilio.failNext(1, TwilioFailures.unsubscribedRecipient);

    await harness.produce(
      harness.envelope('AppointmentBookedV1', { appointment }, appointment.appointmentId),
    );

    await waitFor('the carrier opt-out recorded', 30_000, async () => {
      const rows = await harness.query<{ state: string; source: string }>(
        `SELECT state, source FROM consent WHERE patient_id = $1`,
        [patientId],
      );
      return rows.at(0)?.source === 'twilio_21610';
    });
    expect(
      await harness.query(
        `SELECT purpose, state, error_code FROM message WHERE appointment_id = $1 ORDER BY purpose`,
        [appointment.appointmentId],
      ),
    ).toEqual([
      { purpose: 'confirmation', state: 'failed', error_code: '21610' },
      { purpose: 'reminder', state: 'cancelled', error_code: null },
    ]);
    expect(
      await harness.query(`SELECT state FROM consent WHERE patient_id = $1`, [patientId]),
    ).toEqual([{ state: 'withdrawn' }]);
  }, 60_000);

  it('should match a reply across tenants and act only in the tenant that texted the number', async () => {
    // Row-level security: the match runs as the inbound-sms job (no tenant is known yet); the
    // reply, its event and its outbox row are written in the matched tenant's transaction.
    const otherTenant = `${harness.tenantId}-b`;
    const phone = uniquePhone();
    const visit = await bookAndConfirm({ phoneE164: phone }, otherTenant);

    const sut = await harness.twilio.sendInboundSms(inboundUrl, { from: phone, body: '1' });

    expect(sut.status).toBe(200);
    const [response] = await waitForEvents(
      'PatientRespondedV1',
      1,
      (event) => event.payload.appointmentId === visit.appointmentId,
      otherTenant,
    );
    expect(response.payload.kind).toBe(ResponseKind.CONFIRMED);
    expect(
      eventsOf('PatientRespondedV1').map((event) => event.payload.appointmentId),
    ).not.toContain(visit.appointmentId);
    expect(
      await harness.query(
        `SELECT tenant_id, appointment_id FROM inbound_message WHERE provider_message_id = $1`,
        [sut.messageSid],
      ),
    ).toEqual([{ tenant_id: otherTenant, appointment_id: visit.appointmentId }]);
  }, 120_000);

  it('should store a reply from an unknown number without text and act on nothing', async () => {
    const sut = await harness.twilio.sendInboundSms(inboundUrl, {
      from: uniquePhone(),
      body: 'STOP',
    });

    expect(sut.status).toBe(200);
    expect(
      await harness.query(
        `SELECT tenant_id, body, intent FROM inbound_message WHERE provider_message_id = $1`,
        [sut.messageSid],
      ),
    ).toEqual([{ tenant_id: null, body: null, intent: 'opt_out' }]);
  }, 60_000);
});
