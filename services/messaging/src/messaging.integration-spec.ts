import { randomUUID } from 'node:crypto';

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
  provider_message_id: string | null;
  to_e164: string | null;
  revision: number;
}

interface OutboxRow {
  event_type: string;
  published: boolean;
}

describe('messaging (PostgreSQL + Kafka + Twilio stand-in)', () => {
  const harness = new MessagingHarness();
  let phoneSeq = 0;

  beforeAll(async () => {
    await harness.start();
    await warmUp();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  /** A number no other test (or run) texts, so stand-in messages can be attributed. */
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  function uniquePhone(): string {
    phoneSeq += 1;
    return `+1500${runPrefix}${String(phoneSeq).padStart(4, '0')}`;
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

  async function messagesOf(appointmentId: string): Promise<MessageRow[]> {
    return harness.query<MessageRow>(
      `SELECT id, state, provider_message_id, to_e164, revision FROM message WHERE appointment_id = $1 ORDER BY revision`,
      [appointmentId],
    );
  }

  async function eventsOf(appointmentId: string): Promise<OutboxRow[]> {
    return harness.query<OutboxRow>(
      `SELECT event_type, published_at IS NOT NULL AS published FROM outbox_message WHERE message_key = $1 ORDER BY seq`,
      [appointmentId],
    );
  }

  async function waitForState(appointmentId: string, state: string): Promise<MessageRow> {
    let found: MessageRow | undefined;
    await waitFor(`message in state ${state}`, 15_000, async () => {
      found = (await messagesOf(appointmentId)).find((row) => row.state === state);
      return found !== undefined;
    });
    return found!;
  }

  /**
   * A fresh consumer group that skips history starts at the log end once it has its
   * partitions; keep booking a throwaway appointment until one is texted, after which every
   * later event is seen.
   */
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

  it('should text exactly one confirmation with the local time for a booking', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();

    await harness.produce(
      booked({
        appointmentId,
        phoneE164: phone,
        start: new Date('2030-03-12T13:30:00Z'),
        timeZone: 'America/New_York',
      }),
    );

    const [sms] = await harness.twilio.waitForMessages(
      1,
      10_000,
      (message) => message.to === phone,
    );
    expect(sms.body).toMatch(
      new RegExp(
        '^Acme Family Practice: your visit is Tue, Mar 12 at 9:30 AM EDT\\. Confirm or change: ' +
          `${harness.baseUrl.replace(/[.]/g, '\\.')}/a/[A-Za-z0-9_-]{22} Reply STOP to opt out\\.$`,
      ),
    );
    expect(sms.from).toBe('+15005550006');
    const sent = await waitForState(appointmentId, 'sent');
    expect(sent.provider_message_id).toBe(sms.sid);
    // Our id in the callback URL lets a report that overtakes the answer prove the send.
    expect(sms.statusCallback).toBe(`${harness.baseUrl}/v1/twilio/status?messageId=${sent.id}`);
    await waitFor('events published', 10_000, async () =>
      (await eventsOf(appointmentId)).every((event) => event.published),
    );
    expect(await eventsOf(appointmentId)).toEqual([
      { event_type: 'MessageQueuedV1', published: true },
      { event_type: 'MessageSentV1', published: true },
    ]);
  });

  it('should send one SMS when the same booking arrives twice, by event id and by revision', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    const envelope = booked({ appointmentId, phoneE164: phone });
    const sameRevisionNewEvent = harness.envelope(
      'AppointmentBookedV1',
      { appointment: aScheduledAppointment({ appointmentId, phoneE164: phone }) },
      appointmentId,
    );

    await harness.produce(envelope);
    await harness.produce(envelope);
    const last = await harness.produce(sameRevisionNewEvent);
    await harness.waitConsumed(last);
    await waitForState(appointmentId, 'sent');

    expect(smsTo(phone)).toHaveLength(1);
    expect(await messagesOf(appointmentId)).toHaveLength(1);
  });

  it('should text a new confirmation with the new time after a reschedule', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    await harness.produce(
      booked({ appointmentId, phoneE164: phone, start: new Date('2030-06-03T14:00:00Z') }),
    );
    await harness.twilio.waitForMessages(1, 10_000, (message) => message.to === phone);

    const moved = aScheduledAppointment({
      appointmentId,
      phoneE164: phone,
      revision: 2,
      start: new Date('2030-06-05T19:15:00Z'),
      timeZone: 'America/Denver',
    });
    await harness.produce(
      harness.envelope(
        'AppointmentRescheduledV1',
        {
          appointment: moved,
          previousStart: timestampFromDate(new Date('2030-06-03T14:00:00Z')),
          previousEnd: timestampFromDate(new Date('2030-06-03T14:30:00Z')),
        },
        appointmentId,
      ),
    );

    const texts = await harness.twilio.waitForMessages(
      2,
      10_000,
      (message) => message.to === phone,
    );
    expect(texts[1].body).toContain('your visit moved to Wed, Jun 5 at 1:15 PM MDT.');
    expect((await messagesOf(appointmentId)).map((row) => row.revision)).toEqual([1, 2]);
  });

  it('should send nothing for a cancellation and withdraw a confirmation not yet sent', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    await harness.senderLoop.stop();
    try {
      const bookedAt = await harness.produce(booked({ appointmentId, phoneE164: phone }));
      await harness.waitConsumed(bookedAt);
      expect((await messagesOf(appointmentId)).map((row) => row.state)).toEqual(['queued']);

      const cancelledAt = await harness.produce(
        harness.envelope(
          'AppointmentCancelledV1',
          {
            appointment: aScheduledAppointment({ appointmentId, phoneE164: phone, revision: 2 }),
            reasonCode: 'patient',
          },
          appointmentId,
        ),
      );
      await harness.waitConsumed(cancelledAt);
    } finally {
      harness.senderLoop.start();
    }

    expect((await messagesOf(appointmentId)).map((row) => row.state)).toEqual(['cancelled']);
    expect((await eventsOf(appointmentId)).map((event) => event.event_type)).toEqual([
      'MessageQueuedV1',
      'MessageWithdrawnV1',
    ]);
    // A later booking for another appointment goes out, so the sender did run past this one.
    const otherPhone = uniquePhone();
    await harness.produce(booked({ appointmentId: randomUUID(), phoneE164: otherPhone }));
    await harness.twilio.waitForMessages(1, 10_000, (message) => message.to === otherPhone);
    expect(smsTo(phone)).toHaveLength(0);
  });

  it('should record a suppressed message and text nothing without SMS consent', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();

    const at = await harness.produce(
      booked({ appointmentId, phoneE164: phone, smsConsent: false }),
    );
    await harness.waitConsumed(at);

    const rows = await messagesOf(appointmentId);
    expect(rows.map((row) => [row.state, row.to_e164])).toEqual([['suppressed', null]]);
    expect(smsTo(phone)).toHaveLength(0);
  });

  it('should retry after a Twilio 500 and still text once', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    harness.twilio.failNext(1, TwilioFailures.internalServerError);

    await harness.produce(booked({ appointmentId, phoneE164: phone }));

    await waitForState(appointmentId, 'sent');
    expect(smsTo(phone)).toHaveLength(1);
    const posts = harness.twilio
      .requests()
      .filter((request) => request.method === 'POST' && request.form.To === phone);
    expect(posts.map((request) => request.responseStatus)).toEqual([500, 201]);
  });

  it('should not text again when Twilio accepted the message but answered 500', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    harness.twilio.failNext(1, TwilioFailures.internalServerError, { afterAccepting: true });

    await harness.produce(booked({ appointmentId, phoneE164: phone }));

    const sent = await waitForState(appointmentId, 'sent');
    const texts = smsTo(phone);
    expect(texts).toHaveLength(1);
    expect(sent.provider_message_id).toBe(texts[0].sid);
    const posts = harness.twilio
      .requests()
      .filter((request) => request.method === 'POST' && request.form.To === phone);
    expect(posts).toHaveLength(1);
  });

  it('should mark a message failed on a permanent Twilio error without retrying', async () => {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    harness.twilio.failNext(1, TwilioFailures.invalidToNumber);

    await harness.produce(booked({ appointmentId, phoneE164: phone }));

    await waitForState(appointmentId, 'failed');
    await waitFor('failure published', 10_000, async () =>
      (await eventsOf(appointmentId)).some(
        (event) => event.event_type === 'MessageFailedV1' && event.published,
      ),
    );
    expect(smsTo(phone)).toHaveLength(0);
  });

  describe('status callbacks', () => {
    async function sentMessage(): Promise<{ appointmentId: string; sms: StandInMessage }> {
      const appointmentId = randomUUID();
      const phone = uniquePhone();
      await harness.produce(booked({ appointmentId, phoneE164: phone }));
      const [sms] = await harness.twilio.waitForMessages(
        1,
        10_000,
        (message) => message.to === phone,
      );
      await waitForState(appointmentId, 'sent');
      return { appointmentId, sms };
    }

    it('should mark the message delivered and publish MessageDeliveredV1 for a signed callback', async () => {
      const { appointmentId, sms } = await sentMessage();

      const sut = await harness.twilio.sendStatusCallback(sms.sid, 'delivered');

      expect(sut.status).toBe(204);
      expect((await messagesOf(appointmentId))[0].state).toBe('delivered');
      await waitFor('delivery published', 10_000, async () =>
        (await eventsOf(appointmentId)).some(
          (event) => event.event_type === 'MessageDeliveredV1' && event.published,
        ),
      );
    });

    it('should never move a delivered message back', async () => {
      const { appointmentId, sms } = await sentMessage();
      await harness.twilio.sendStatusCallback(sms.sid, 'delivered');

      const sut = await harness.twilio.sendStatusCallback(sms.sid, 'sent');

      expect(sut.status).toBe(204);
      expect((await messagesOf(appointmentId))[0].state).toBe('delivered');
      expect((await eventsOf(appointmentId)).map((event) => event.event_type)).toEqual([
        'MessageQueuedV1',
        'MessageSentV1',
        'MessageDeliveredV1',
      ]);
    });

    it('should answer 403 and change nothing for a badly signed callback', async () => {
      const { appointmentId, sms } = await sentMessage();
      // Which events exist, not whether the relay has published them yet (it runs meanwhile).
      const eventTypes = async (): Promise<string[]> =>
        (await eventsOf(appointmentId)).map((event) => event.event_type);
      const eventsBefore = await eventTypes();

      const sut = await harness.twilio.sendStatusCallback(sms.sid, 'delivered', {
        signWithAuthToken: 'not-the-auth-token',
      });

      expect(sut.status).toBe(403);
      expect(JSON.parse(sut.body)).toEqual({
        error: {
          code: 'TWILIO_SIGNATURE_INVALID',
          message: 'X-Twilio-Signature is missing or invalid',
        },
      });
      expect((await messagesOf(appointmentId))[0].state).toBe('sent');
      expect(await eventTypes()).toEqual(eventsBefore);
    });

    it('should answer 204 and keep a correctly signed callback about a message not yet recorded', async () => {
      const url = `${harness.baseUrl}/v1/twilio/status`;
      const messageSid = `SM${randomUUID().replace(/-/g, '')}`;
      const params = { MessageSid: messageSid, MessageStatus: 'delivered' };
      const post = () =>
        fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': computeTwilioSignature(harness.twilio.authToken, url, params),
          },
          body: new URLSearchParams(params).toString(),
        });

      const sut = [await post(), await post()];

      // Twilio does not retry a 4xx: a 404 here would lose the report for good.
      expect(sut.map((response) => response.status)).toEqual([204, 204]);
      expect(
        await harness.query(
          `SELECT provider_status, transition FROM early_status_callback WHERE provider_message_id = $1`,
          [messageSid],
        ),
      ).toEqual([{ provider_status: 'delivered', transition: 'provider_delivered' }]);
    });
  });
});
