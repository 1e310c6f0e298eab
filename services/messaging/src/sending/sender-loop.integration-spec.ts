import { randomUUID } from 'node:crypto';

import { aScheduledAppointment } from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';
import { MESSAGE_DUE_CHANNEL } from '../message/message.repository';

import { SenderLoop } from './sender-loop';

/** Far beyond any wait below: a message texted in time was woken up, not polled. */
const POLL_INTERVAL_MS = 600_000;
const WAKE_DEADLINE_MS = 10_000;

describe(SenderLoop.name, () => {
  const harness = new MessagingHarness({ SENDER_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS) });
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  let phoneSeq = 0;

  beforeAll(async () => {
    await harness.start();
    await waitUntilConsuming();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  function uniquePhone(): string {
    phoneSeq += 1;
    return `+1500${runPrefix}${String(phoneSeq).padStart(4, '0')}`;
  }

  async function book(phoneE164: string, appointmentId: string = randomUUID()): Promise<void> {
    await harness.produce(
      harness.envelope(
        'AppointmentBookedV1',
        { appointment: aScheduledAppointment({ appointmentId, phoneE164 }) },
        appointmentId,
      ),
    );
  }

  /** A fresh consumer group that skips history sees events only once it holds its partitions. */
  async function waitUntilConsuming(): Promise<void> {
    await waitFor('consumer positioned', 60_000, async () => {
      const appointmentId = randomUUID();
      await book(uniquePhone(), appointmentId);
      try {
        await waitFor('message recorded', 2_000, async () => {
          const rows = await harness.query<{ id: string }>(
            'SELECT id FROM message WHERE appointment_id = $1',
            [appointmentId],
          );
          return rows.length === 1;
        });
        return true;
      } catch {
        return false;
      }
    });
  }

  async function listenerPids(): Promise<number[]> {
    const rows = await harness.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1`,
      [`LISTEN ${MESSAGE_DUE_CHANNEL}`],
    );
    return rows.map((row) => row.pid);
  }

  it('should text a booking without waiting for the next poll', async () => {
    const phone = uniquePhone();

    await book(phone);

    const texted = await harness.twilio.waitForMessages(
      1,
      WAKE_DEADLINE_MS,
      (message) => message.to === phone,
    );
    expect(texted).toHaveLength(1);
  });

  it('should listen again after its wake-up connection is dropped, staying ready', async () => {
    const [dropped] = await listenerPids();
    expect(dropped).toBeDefined();

    await harness.query('SELECT pg_terminate_backend($1)', [dropped]);
    await waitFor('a new LISTEN session', 30_000, async () => {
      const pids = await listenerPids();
      return pids.length === 1 && pids[0] !== dropped;
    });
    const phone = uniquePhone();
    await book(phone);

    const texted = await harness.twilio.waitForMessages(
      1,
      WAKE_DEADLINE_MS,
      (message) => message.to === phone,
    );
    expect(texted).toHaveLength(1);
    expect((await fetch(`${harness.baseUrl}/health/ready`)).status).toBe(200);
  });
});
