import { randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';

import {
  createEnvelope,
  EscalationReason,
  type EventEnvelope,
  SlotOutcome,
  timestampFromDate,
  Topics,
} from '@caredispatch/contracts';
import { TeamsWebhookStandIn, waitForGroupsToCatchUp } from '@caredispatch/testing';

import { DispatchHarness, waitFor } from '../../test/dispatch-harness';
import { seedWeek } from '../../test/seed-week';

import type { DispatchException } from '../exceptions/dispatch-exception.model';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/**
 * Issue 11 "Escalation" through issue 12's notifier, against real PostgreSQL and Kafka with the
 * Slack and Teams stand-ins: a freed slot the waitlist escalated reaches the exceptions queue
 * and each of the tenant's coordinator channels once, with the slot's local day and time,
 * place, provider and reason and nothing about patients; redelivery, a replay under a new event
 * id, a filled slot and a slot already under way post nothing more.
 */
describe('waitlist escalations → coordinators (PostgreSQL + Kafka + Slack/Teams stand-ins)', () => {
  const week = seedWeek();
  const tenantId = `it-${randomUUID().slice(0, 8)}`;
  const coordinatorsChannel = 'C0WAITLIST';
  const teams = new TeamsWebhookStandIn();
  // Monday 2030-03-11 09:00 in New York.
  const now = new Date('2030-03-11T13:00:00Z');
  const overrides: Record<string, string> = {};
  const harness = new DispatchHarness(week.addresses, now, [tenantId], overrides);
  const rn = week.providers.find((provider) => provider.providerId.startsWith('rn-'));

  beforeAll(async () => {
    await teams.start();
    overrides.ESCALATION_SLACK_CHANNELS = JSON.stringify({ [tenantId]: coordinatorsChannel });
    overrides.ESCALATION_TEAMS_WEBHOOK_URLS = JSON.stringify({
      [tenantId]: teams.webhookUrl('coordinators'),
    });
    await harness.start();
    await harness.configure(tenantId, week);
  }, 180_000);

  afterAll(async () => {
    await harness.stop();
    await teams.stop();
  });

  function slotClosed(
    slotId: string,
    start: Date,
    outcome: SlotOutcome,
    escalationReason = EscalationReason.UNSPECIFIED,
  ): { envelope: EventEnvelope; slotId: string; entryId: string } {
    const entryId = randomUUID();
    const envelope = createEnvelope(
      {
        type: 'WaitlistSlotClosedV1',
        tenantId,
        aggregateId: slotId,
        payload: {
          slotId,
          outcome,
          // Never part of a coordinator notice, whatever the event carries.
          entryId,
          patientId: 'patient-must-not-appear',
          offerId: randomUUID(),
          start: timestampFromDate(start),
          end: timestampFromDate(new Date(start.getTime() + 30 * 60_000)),
          appointmentTypeCode: 'home-visit',
          providerId: rn?.providerId ?? 'rn-1',
          locationId: 'loc-east',
          escalationReason,
          offersMade: 4,
          timeZone: 'America/New_York',
          locationName: 'East Clinic',
        },
      },
      { producer: 'waitlist' },
    );
    return { envelope, slotId, entryId };
  }

  async function caughtUp(): Promise<void> {
    const admin = new Kafka({ brokers: BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await waitForGroupsToCatchUp(
        admin,
        [harness.config.KAFKA_CONSUMER_GROUP],
        [Topics.WaitlistSlotV1],
        60_000,
      );
    } finally {
      await admin.disconnect();
    }
  }

  async function unsentNotices(): Promise<number> {
    const [row] = await harness.query<{ count: string }>(
      `SELECT count(*) FROM coordinator_notice WHERE tenant_id = $1 AND state IN ('queued', 'sending')`,
      [tenantId],
    );
    return Number(row.count);
  }

  it('should post one minimum-necessary notice per escalated slot to Slack and Teams and queue one exception, however often it is reported', async () => {
    // Tuesday 2030-03-12 10:00 in New York.
    const escalated = slotClosed(
      randomUUID(),
      new Date('2030-03-12T14:00:00Z'),
      SlotOutcome.ESCALATED,
      EscalationReason.ALL_OFFERS_DECLINED_OR_EXPIRED,
    );
    const replayed = slotClosed(
      escalated.slotId,
      new Date('2030-03-12T14:00:00Z'),
      SlotOutcome.ESCALATED,
      EscalationReason.ALL_OFFERS_DECLINED_OR_EXPIRED,
    );
    const filled = slotClosed(randomUUID(), new Date('2030-03-12T15:00:00Z'), SlotOutcome.FILLED);
    const underWay = slotClosed(
      randomUUID(),
      new Date(now.getTime() - 10 * 60_000),
      SlotOutcome.ESCALATED,
      EscalationReason.STARTS_SOON,
    );

    await harness.publishWaitlistSlotEvent(escalated.envelope);
    await harness.publishWaitlistSlotEvent(escalated.envelope);
    await harness.publishWaitlistSlotEvent(replayed.envelope);
    await harness.publishWaitlistSlotEvent(filled.envelope);
    await harness.publishWaitlistSlotEvent(underWay.envelope);
    await caughtUp();
    await waitFor('notices sent', 30_000, async () => (await unsentNotices()) === 0);

    const posted = harness.slack.messages({ channel: coordinatorsChannel });
    expect(posted).toHaveLength(1);
    const cards = teams.posts('coordinators');
    expect(cards).toHaveLength(1);
    for (const text of [JSON.stringify(posted[0]), JSON.stringify(cards[0].card)]) {
      expect(text).toContain('Tue 12 Mar 2030, 10:00–10:30 (America/New_York)');
      expect(text).toContain('East Clinic');
      expect(text).toContain(String(rn?.body.displayName));
      expect(text).toContain('Every offer was declined or ran out');
      expect(text).not.toContain('patient-must-not-appear');
      expect(text).not.toContain(escalated.entryId);
    }

    const queue = await harness.ok<DispatchException[]>(
      'GET',
      `/v1/tenants/${tenantId}/exceptions?status=all`,
    );
    expect(queue.map((entry) => [entry.kind, entry.reason, entry.detail.slotId])).toEqual([
      ['waitlist-slot-unfilled', 'ALL_OFFERS_DECLINED_OR_EXPIRED', escalated.slotId],
    ]);
    expect(queue[0]).toMatchObject({
      providerId: rn?.providerId,
      detail: { locationName: 'East Clinic', timeZone: 'America/New_York', offersMade: 4 },
    });
  }, 120_000);
});
