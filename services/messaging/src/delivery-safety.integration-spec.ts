import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { timestampFromDate } from '@caredispatch/contracts';
import {
  aScheduledAppointment,
  type AppointmentSpec,
  computeTwilioSignature,
  TwilioFailures,
  type StandInMessage,
} from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../test/messaging-harness';

interface MessageRow {
  id: string;
  state: string;
  revision: number;
  provider_message_id: string | null;
  error_code: string | null;
}

const HOUR_MS = 3_600_000;
/** States a message never leaves. */
const SETTLED = ['sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'expired'];

/**
 * The paths to a wrong or a second text under faults: a cancellation or a reschedule while a
 * send's outcome is unknown, Twilio accepting after our timeout and listing late, a status
 * callback that overtakes our record of the SID, and a visit that is already past.
 * Harness: Twilio timeout 2 s, sender lease 5 s, minimum lead 1 h.
 */
describe('messaging delivery safety (PostgreSQL + Kafka + Twilio stand-in)', () => {
  const harness = new MessagingHarness({ CONFIRMATION_MIN_LEAD_MS: String(HOUR_MS) });
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  let phoneSeq = 0;

  beforeAll(async () => {
    await harness.start();
    await warmUp();
  }, 120_000);

  // A fault injected at the stand-in must meet the test's own message, not a straggler.
  beforeEach(async () => {
    await noMessageInFlight();
  });

  afterEach(() => {
    harness.twilio.listLate(0);
  });

  afterAll(async () => {
    await harness.stop();
  });

  function uniquePhone(): string {
    phoneSeq += 1;
    return `+1501${runPrefix}${String(phoneSeq).padStart(4, '0')}`;
  }

  function smsTo(phone: string): readonly StandInMessage[] {
    return harness.twilio.messages().filter((message) => message.to === phone);
  }

  function booked(spec: AppointmentSpec & { appointmentId: string }) {
    return harness.envelope(
      'AppointmentBookedV1',
      { appointment: aScheduledAppointment(spec) },
      spec.appointmentId,
    );
  }

  function cancelled(appointmentId: string, phoneE164: string, revision: number) {
    return harness.envelope(
      'AppointmentCancelledV1',
      {
        appointment: aScheduledAppointment({ appointmentId, phoneE164, revision }),
        reasonCode: 'patient',
      },
      appointmentId,
    );
  }

  function rescheduled(appointmentId: string, phoneE164: string, start: Date) {
    return harness.envelope(
      'AppointmentRescheduledV1',
      {
        appointment: aScheduledAppointment({
          appointmentId,
          phoneE164,
          revision: 2,
          start,
          timeZone: 'America/New_York',
        }),
        previousStart: timestampFromDate(new Date('2030-03-12T13:30:00Z')),
        previousEnd: timestampFromDate(new Date('2030-03-12T14:00:00Z')),
      },
      appointmentId,
    );
  }

  async function messagesOf(appointmentId: string): Promise<MessageRow[]> {
    return harness.query<MessageRow>(
      `SELECT id, state, revision, provider_message_id, error_code FROM message
       WHERE appointment_id = $1 ORDER BY revision`,
      [appointmentId],
    );
  }

  async function eventTypesOf(appointmentId: string): Promise<string[]> {
    const rows = await harness.query<{ event_type: string }>(
      `SELECT event_type FROM outbox_message WHERE message_key = $1 ORDER BY seq`,
      [appointmentId],
    );
    return rows.map((row) => row.event_type);
  }

  /** Every message of the appointment has reached a state it never leaves. */
  async function settledMessages(appointmentId: string, count = 1): Promise<MessageRow[]> {
    let rows: MessageRow[] = [];
    await waitFor(`${count} settled message(s)`, 30_000, async () => {
      rows = await messagesOf(appointmentId);
      return rows.length === count && rows.every((row) => SETTLED.includes(row.state));
    });
    return rows;
  }

  async function noMessageInFlight(): Promise<void> {
    await waitFor('no message queued or sending', 30_000, async () => {
      const [row] = await harness.query<{ count: string }>(
        // This harness's tenant only: bookings of other tenants on the shared topics get
        // reminders queued for later, which are never "in flight" for this test.
        `SELECT count(*) AS count FROM message WHERE state IN ('queued', 'sending') AND tenant_id = $1`,
        [harness.tenantId],
      );
      return row.count === '0';
    });
  }

  /** The first attempt failed in a way that leaves its outcome to reconciliation. */
  async function firstAttemptUnresolved(appointmentId: string): Promise<void> {
    let rows: MessageRow[] = [];
    try {
      await waitFor('an attempt awaiting reconciliation', 15_000, async () => {
        rows = await messagesOf(appointmentId);
        return rows[0]?.state === 'sending' && rows[0].error_code !== null;
      });
    } catch (error) {
      throw new Error(`${String(error)}; messages: ${JSON.stringify(rows)}`);
    }
  }

  /** With the sender paused, the event is consumed before anything can be reconciled or re-sent. */
  async function consumeWhileSenderPaused(envelope: ReturnType<typeof booked>): Promise<void> {
    await harness.senderLoop.stop();
    try {
      await harness.waitConsumed(await harness.produce(envelope));
    } finally {
      harness.senderLoop.start();
    }
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

  describe('a cancellation or reschedule while a send is unresolved', () => {
    it('should text nothing when the appointment is cancelled after Twilio answered 500', async () => {
      const appointmentId = randomUUID();
      const phone = uniquePhone();
      harness.twilio.failNext(1, TwilioFailures.internalServerError);
      await harness.produce(booked({ appointmentId, phoneE164: phone }));
      await firstAttemptUnresolved(appointmentId);

      await consumeWhileSenderPaused(cancelled(appointmentId, phone, 2));

      const [message] = await settledMessages(appointmentId);
      expect(message.state).toBe('cancelled');
      expect(smsTo(phone)).toHaveLength(0);
      expect(await eventTypesOf(appointmentId)).toEqual(['MessageQueuedV1', 'MessageWithdrawnV1']);
    });

    it('should text only the new time when a reschedule arrives after Twilio timed out', async () => {
      const appointmentId = randomUUID();
      const phone = uniquePhone();
      harness.twilio.timeoutNext(1, { holdMs: 2_500, accept: false });
      await harness.produce(booked({ appointmentId, phoneE164: phone }));
      await firstAttemptUnresolved(appointmentId);

      await consumeWhileSenderPaused(
        rescheduled(appointmentId, phone, new Date('2030-03-14T18:00:00Z')),
      );

      const rows = await settledMessages(appointmentId, 2);
      expect(rows.map((row) => [row.revision, row.state])).toEqual([
        [1, 'cancelled'],
        [2, 'sent'],
      ]);
      const texts = smsTo(phone);
      expect(texts).toHaveLength(1);
      expect(texts[0].body).toContain('moved to Thu, Mar 14 at 2:00 PM EDT');
    });

    it('should record the text as sent when Twilio had accepted it before the cancellation', async () => {
      const appointmentId = randomUUID();
      const phone = uniquePhone();
      harness.twilio.failNext(1, TwilioFailures.internalServerError, { afterAccepting: true });
      await harness.produce(booked({ appointmentId, phoneE164: phone }));
      await firstAttemptUnresolved(appointmentId);

      await consumeWhileSenderPaused(cancelled(appointmentId, phone, 2));

      const [message] = await settledMessages(appointmentId);
      const texts = smsTo(phone);
      expect(texts).toHaveLength(1);
      expect([message.state, message.provider_message_id]).toEqual(['sent', texts[0].sid]);
      expect(await eventTypesOf(appointmentId)).toEqual(['MessageQueuedV1', 'MessageSentV1']);
    });
  });

  it('should not send while a consumer is committing a cancellation of the appointment', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    await harness.senderLoop.stop();
    const consumer = new Client({ connectionString: harness.databaseUrl });
    await consumer.connect();
    try {
      await harness.waitConsumed(
        await harness.produce(booked({ appointmentId, phoneE164: phone })),
      );
      // What the cancellation's consumer transaction does first, not yet committed.
      await consumer.query('BEGIN');
      await consumer.query(
        `UPDATE appointment_revision SET revision = 2, cancelled = true WHERE appointment_id = $1`,
        [appointmentId],
      );

      await harness.sender.runOnce();
      const whileCommitting = (await messagesOf(appointmentId)).map((row) => row.state);
      await consumer.query('COMMIT');
      await harness.sender.runOnce();

      expect(whileCommitting).toEqual(['queued']);
      expect(smsTo(phone)).toHaveLength(0);
      expect((await messagesOf(appointmentId)).map((row) => row.state)).toEqual(['cancelled']);
      expect(await eventTypesOf(appointmentId)).toEqual(['MessageQueuedV1', 'MessageWithdrawnV1']);
    } finally {
      await consumer.end();
      harness.senderLoop.start();
    }
  });

  it('should text once when Twilio accepts after our timeout and lists the message late', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    // Accepted 2.3 s after the request (our timeout: 2 s), listed 1.5 s after that.
    harness.twilio.timeoutNext(1, { holdMs: 2_300, accept: true });
    harness.twilio.listLate(1_500);

    await harness.produce(booked({ appointmentId, phoneE164: phone }));

    const [message] = await settledMessages(appointmentId);
    await harness.twilio.whenHeldRequestsSettled();
    const texts = smsTo(phone);
    expect(texts).toHaveLength(1);
    expect([message.state, message.provider_message_id]).toEqual(['sent', texts[0].sid]);
  });

  describe('Twilio accepted, answered too late, and lists the message only after our lease lapsed', () => {
    afterEach(() => {
      harness.twilio.releaseHeldResponses();
    });

    it('should text once: reconciliation looks again while the list may lag, never re-sends', async () => {
      const appointmentId = randomUUID();
      const phone = uniquePhone();
      // Listed 9 s after acceptance: after the 5 s lease, within lease + 6 s grace.
      harness.twilio.holdNextResponses(1);
      harness.twilio.listLate(9_000);

      await harness.produce(booked({ appointmentId, phoneE164: phone }));

      const [message] = await settledMessages(appointmentId);
      const texts = smsTo(phone);
      expect(texts).toHaveLength(1);
      expect([message.state, message.provider_message_id]).toEqual(['sent', texts[0].sid]);
      expect(await eventTypesOf(appointmentId)).toEqual(['MessageQueuedV1', 'MessageSentV1']);
    });

    it('should take a status callback that names the message as proof it was sent', async () => {
      const appointmentId = randomUUID();
      const phone = uniquePhone();
      // Listed only long after lease + grace: the callback is the only proof there is.
      harness.twilio.holdNextResponses(1);
      harness.twilio.listLate(120_000);
      await harness.produce(booked({ appointmentId, phoneE164: phone }));
      const [sms] = await harness.twilio.waitForMessages(1, 15_000, (m) => m.to === phone);

      const callback = await harness.twilio.sendStatusCallback(sms.sid, 'delivered');

      expect(callback.status).toBe(204);
      const [message] = await settledMessages(appointmentId);
      expect(smsTo(phone)).toHaveLength(1);
      expect([message.state, message.provider_message_id]).toEqual(['delivered', sms.sid]);
      expect(await eventTypesOf(appointmentId)).toEqual([
        'MessageQueuedV1',
        'MessageSentV1',
        'MessageDeliveredV1',
      ]);
    });
  });

  describe('a status callback that arrives before the SID is recorded', () => {
    it('should answer 2xx and apply it once the send is recorded', async () => {
      const appointmentId = randomUUID();
      const phone = uniquePhone();
      harness.twilio.holdNextResponses(1);
      await harness.produce(booked({ appointmentId, phoneE164: phone }));
      const [sms] = await harness.twilio.waitForMessages(1, 15_000, (m) => m.to === phone);

      const sut = await harness.twilio.sendStatusCallback(sms.sid, 'delivered');
      const stateBeforeRecorded = (await messagesOf(appointmentId))[0].state;
      harness.twilio.releaseHeldResponses();

      expect(sut.status).toBe(204);
      expect(stateBeforeRecorded).toBe('sending');
      await waitFor('delivered', 15_000, async () =>
        (await messagesOf(appointmentId)).every((row) => row.state === 'delivered'),
      );
      expect(await eventTypesOf(appointmentId)).toEqual([
        'MessageQueuedV1',
        'MessageSentV1',
        'MessageDeliveredV1',
      ]);
    });

    it('should refuse a badly signed early callback and keep nothing of it', async () => {
      const url = `${harness.baseUrl}/v1/twilio/status`;
      const params = { MessageSid: `SM${randomUUID().replace(/-/g, '')}`, MessageStatus: 'failed' };

      const sut = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': computeTwilioSignature('not-the-auth-token', url, params),
        },
        body: new URLSearchParams(params).toString(),
      });

      expect(sut.status).toBe(403);
      const stored = await harness.query<{ count: string }>(
        `SELECT count(*) AS count FROM early_status_callback WHERE provider_message_id = $1`,
        [params.MessageSid],
      );
      expect(stored[0].count).toBe('0');
    });
  });

  describe('a confirmation that would arrive too late', () => {
    it('should expire, never text, a confirmation for a visit that has already started', async () => {
      const appointmentId = randomUUID();
      const phone = uniquePhone();

      await harness.produce(
        booked({ appointmentId, phoneE164: phone, start: new Date(Date.now() - HOUR_MS) }),
      );

      const [message] = await settledMessages(appointmentId);
      expect(message.state).toBe('expired');
      expect(smsTo(phone)).toHaveLength(0);
      expect(await eventTypesOf(appointmentId)).toEqual(['MessageQueuedV1', 'MessageExpiredV1']);
    });

    it('should expire a confirmation for a visit that starts within the minimum lead', async () => {
      const appointmentId = randomUUID();
      const phone = uniquePhone();

      await harness.produce(
        booked({ appointmentId, phoneE164: phone, start: new Date(Date.now() + HOUR_MS / 2) }),
      );

      const [message] = await settledMessages(appointmentId);
      expect(message.state).toBe('expired');
      expect(smsTo(phone)).toHaveLength(0);
    });
  });
});
