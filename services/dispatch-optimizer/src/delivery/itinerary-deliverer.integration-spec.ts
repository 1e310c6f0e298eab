import { randomUUID } from 'node:crypto';

import { create } from '@bufbuild/protobuf';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';

import {
  type DispatchPlanPublishedV1,
  DispatchPlanPublishedV1Schema,
  type EventEnvelope,
} from '@caredispatch/contracts';
import {
  CreateOutboxMessage1764201600000,
  OutboxWriter,
  ParkOutboxMessage1764201600002,
} from '@caredispatch/kafka';
import { type EventContext } from '@caredispatch/kafka';
import { type Clock, Secret } from '@caredispatch/platform';
import {
  phiEnvironment,
  SlackStandIn,
  TEST_AUDIENCE,
  TeamsWebhookStandIn,
  ThrowawayDatabase,
  TwilioFailures,
  TwilioStandIn,
} from '@caredispatch/testing';

import { dispatchOptimizerConfigSchema } from '../config';
import { CoordinatorNoticeRepository } from '../escalation/coordinator-notice.repository';
import { CoordinatorNotifier } from '../escalation/coordinator-notifier.service';
import { ItineraryLinkRepository } from '../itinerary-page/itinerary-link.repository';
import { ItineraryLinks } from '../itinerary-page/itinerary-links.service';
import { CreateItineraryLink1800400000000 } from '../migrations/1800400000000-CreateItineraryLink';
import { type RosterProvider } from '../roster/roster.model';
import { SlackClients } from '../slack/slack-clients';

import { deliveriesForPlan } from './delivery-plan';
import { deliveryMigrations } from './delivery-schema';
import {
  aPlanVersion,
  aProvider,
  aProviderDay,
  InMemoryPlans,
  InMemoryRoster,
  RecordingExceptions,
  SEED_WEEK,
} from './delivery-test-fixtures';
import { ItineraryDeliverer } from './itinerary-deliverer.service';
import { ItineraryDeliveryEvents } from './itinerary-delivery.events';
import { ItineraryDeliveryRepository } from './itinerary-delivery.repository';
import { PlanDeliveryConsumer } from './plan-delivery.consumer';
import { ITINERARY_METADATA_EVENT, SlackItineraryChannel } from './slack-itinerary.channel';
import { SmsItineraryChannel } from './sms-itinerary.channel';

const LEASE_MS = 60_000;

/** Starts at the wall clock (Slack's message ts are wall time) and only moves when told. */
class SteppedClock implements Clock {
  private at = Date.now();

  now(): Date {
    return new Date(this.at);
  }

  advance(ms: number): void {
    this.at += ms;
  }
}

describe(ItineraryDeliverer.name, () => {
  const tenantId = 'tenant-deliver';
  const slack = new SlackStandIn();
  const teams = new TeamsWebhookStandIn();
  const coordinatorsChannel = 'C0COORDINATORS';
  const clock = new SteppedClock();
  const twilio = new TwilioStandIn();
  const providers = Array.from({ length: 12 }, (_, i) => aProvider(tenantId, i + 1));
  const texted = aProvider(tenantId, 13, { kind: 'sms', phoneE164: '+15005550113' });
  // Quiet 21:00–07:00 New York time, every day.
  const sleeper: RosterProvider = {
    ...aProvider(tenantId, 14),
    delivery: {
      channel: { kind: 'slack', slackUserId: 'U0PROV014' },
      quietTimes: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '21:00', until: '07:00' },
      ],
      timeZone: 'America/New_York',
    },
  };
  const roster = new InMemoryRoster([...providers, texted, sleeper]);
  let plans: InMemoryPlans;
  let exceptions: RecordingExceptions;
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let repository: ItineraryDeliveryRepository;
  let notices: CoordinatorNoticeRepository;
  let notifier: CoordinatorNotifier;
  let consumer: PlanDeliveryConsumer;
  let sut: ItineraryDeliverer;

  beforeAll(async () => {
    await slack.start();
    await teams.start();
    await twilio.start();
    database = await ThrowawayDatabase.create('caredispatch_dispatch_delivery');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [
        CreateOutboxMessage1764201600000,
        ParkOutboxMessage1764201600002,
        ...deliveryMigrations,
        CreateItineraryLink1800400000000,
      ],
      extra: { max: 4 },
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    repository = new ItineraryDeliveryRepository(dataSource);
    notices = new CoordinatorNoticeRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
    await slack.stop();
    await teams.stop();
    await twilio.stop();
  });

  beforeEach(async () => {
    slack.reset();
    twilio.reset();
    plans = new InMemoryPlans();
    exceptions = new RecordingExceptions();
    teams.reset();
    await dataSource.query(
      'TRUNCATE itinerary_delivery, coordinator_notice, outbox_message, itinerary_link',
    );
    const config = dispatchOptimizerConfigSchema.parse({
      DATABASE_URL: database.url,
      DATABASE_MIGRATION_URL: database.url,
      KAFKA_BROKERS: '127.0.0.1:9092',
      // No HTTP route is authenticated here: the issuer is never reached.
      OIDC_ISSUER_URL: 'http://127.0.0.1:1/unused-issuer',
      OIDC_AUDIENCE: TEST_AUDIENCE,
      ...phiEnvironment(),
      ITINERARY_DELIVERY_LEASE_MS: String(LEASE_MS),
      ITINERARY_DELIVERY_MAX_ATTEMPTS: '3',
      ESCALATION_SLACK_CHANNELS: JSON.stringify({ [tenantId]: coordinatorsChannel }),
      ESCALATION_TEAMS_WEBHOOK_URLS: JSON.stringify({ [tenantId]: teams.webhookUrl('coord') }),
    });
    const slackClients = new SlackClients({
      apiUrl: slack.apiUrl,
      botTokens: new Map([[tenantId, new Secret(slack.botToken)]]),
      timeoutMs: 5_000,
    });
    notifier = new CoordinatorNotifier(notices, slackClients, clock, config);
    consumer = new PlanDeliveryConsumer(repository, notices, plans, config, roster, clock);
    const channel = new SlackItineraryChannel(slackClients);
    const outbox = new OutboxWriter({ producer: 'dispatch-optimizer', clock });
    sut = new ItineraryDeliverer(
      dataSource,
      repository,
      new ItineraryDeliveryEvents(outbox),
      plans,
      roster,
      exceptions,
      notices,
      [
        channel,
        new SmsItineraryChannel({
          accountSid: twilio.accountSid,
          authToken: new Secret(twilio.authToken),
          fromNumber: '+15005550006',
          apiBaseUrl: twilio.baseUrl,
          timeoutMs: 5_000,
        }),
      ],
      clock,
      config,
      new ItineraryLinks(
        dataSource,
        new ItineraryLinkRepository(),
        plans,
        roster,
        outbox,
        clock,
        config,
      ),
    );
  });

  /** Stores a plan version and queues its deliveries, as the plan consumer does. */
  async function publish(
    planId: string,
    version: number,
    changed: { providerId: string; day: string }[],
    days = roster.all.flatMap((p) => SEED_WEEK.map((day) => aProviderDay(p.providerId, day))),
  ): Promise<void> {
    plans.store(aPlanVersion(tenantId, planId, version, days));
    const queued = deliveriesForPlan(
      {
        tenantId,
        planId,
        version,
        previousVersion: version === 1 ? null : version - 1,
        providerDays: changed,
      },
      roster.all,
      clock.now(),
    );
    await dataSource.transaction((manager) => repository.enqueue(manager, queued, clock.now()));
  }

  /** The plan consumer's handling of one `DispatchPlanPublishedV1`, in its own transaction. */
  function consumePlan(event: DispatchPlanPublishedV1): Promise<void> {
    return dataSource.transaction((manager) =>
      consumer.onPlanPublished({
        envelope: { tenantId } as EventEnvelope,
        manager,
        topic: 'dispatch.plan.v1',
        partition: 0,
        offset: '0',
        attempt: 1,
        eventType: 'DispatchPlanPublishedV1',
        event,
      } satisfies EventContext<'DispatchPlanPublishedV1'>),
    );
  }

  async function drain(): Promise<void> {
    while ((await sut.runOnce()) + (await notifier.runOnce()) > 0) {
      /* until a round finds nothing */
    }
  }

  function weekOf(providerIds: string[]): { providerId: string; day: string }[] {
    return providerIds.flatMap((providerId) => SEED_WEEK.map((day) => ({ providerId, day })));
  }

  async function auditEvents(): Promise<string[]> {
    const rows = await dataSource.query<{ event_type: string }[]>(
      'SELECT event_type FROM outbox_message ORDER BY event_type',
    );
    return rows.map((r) => r.event_type);
  }

  it('should send exactly one Monday–Friday itinerary per provider, once, however often the plan is queued', async () => {
    const planId = randomUUID();
    await publish(planId, 1, weekOf(providers.map((p) => p.providerId)));
    await publish(planId, 1, weekOf(providers.map((p) => p.providerId)));

    await drain();
    await drain();

    const posts = slack.messages();
    expect(posts).toHaveLength(12);
    expect(new Set(posts.map((m) => m.channel))).toEqual(
      new Set(
        providers.map((p) =>
          slack.dmChannelOf(`U0PROV${p.providerId.slice(-3).replace('-', '0')}`),
        ),
      ),
    );
    expect(posts[0]?.text).toMatch(/^Itinerary — Mon 7 Dec – Fri 11 Dec: 15 visits/);
    expect(posts[0]?.metadata?.event_type).toBe(ITINERARY_METADATA_EVENT);
    expect(await auditEvents()).toEqual(Array(12).fill('ItineraryDeliveredV1'));
  });

  it('should send a delta to the affected provider only, threaded under their itinerary', async () => {
    const planId = randomUUID();
    await publish(planId, 1, weekOf(providers.map((p) => p.providerId)));
    await drain();
    const original = slack.messages({ channel: slack.dmChannelOf('U0PROV003') })[0];

    await publish(planId, 2, [{ providerId: 'provider-03', day: SEED_WEEK[1] ?? '' }]);
    await drain();

    const posts = slack.messages();
    expect(posts).toHaveLength(13);
    const delta = posts.at(-1);
    expect(delta?.channel).toBe(slack.dmChannelOf('U0PROV003'));
    expect(delta?.threadTs).toBe(original.ts);
    expect(delta?.text).toMatch(/^Updated itinerary — Tue 8 Dec: 3 visits/);
  });

  it('should retry a post Slack did not accept, and send it once', async () => {
    const planId = randomUUID();
    slack.failNext('chat.postMessage', { httpStatus: 429 });
    await publish(planId, 1, weekOf(['provider-01']));

    await drain();
    expect(slack.messages()).toHaveLength(0);
    clock.advance(LEASE_MS);
    await drain();

    expect(slack.messages()).toHaveLength(1);
    expect(slack.calls('chat.postMessage').map((c) => c.outcome)).toEqual(['http 429', 'ok']);
  });

  it('should not post again when Slack posted but the answer was lost (found by reconciliation)', async () => {
    const planId = randomUUID();
    slack.failNext('chat.postMessage', { httpStatus: 503, afterActing: true });
    await publish(planId, 1, weekOf(['provider-02']));

    await drain();
    clock.advance(LEASE_MS + 1);
    await drain();
    clock.advance(LEASE_MS * 10);
    await drain();

    expect(slack.messages()).toHaveLength(1);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
    expect(slack.calls('conversations.history')).toHaveLength(1);
    const [row] = await dataSource.query<{ state: string; external_id: string }[]>(
      'SELECT state, external_id FROM itinerary_delivery',
    );
    expect(row).toEqual({ state: 'sent', external_id: slack.messages()[0]?.ts });
  });

  it('should post again when reconciliation finds Slack never got it', async () => {
    const planId = randomUUID();
    slack.failNext('chat.postMessage', { httpStatus: 503 });
    await publish(planId, 1, weekOf(['provider-04']));

    await drain();
    clock.advance(LEASE_MS + 1);
    await drain();

    expect(slack.messages()).toHaveLength(1);
    expect(slack.calls('chat.postMessage')).toHaveLength(2);
  });

  it('should give up on a refused destination, audit it and report it to the exceptions queue', async () => {
    const planId = randomUUID();
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    await publish(planId, 1, weekOf(['provider-05']));

    await drain();

    expect(slack.messages({ channel: slack.dmChannelOf('U0PROV005') })).toHaveLength(0);
    expect(await auditEvents()).toEqual(['ItineraryDeliveryFailedV1']);
    expect(slack.messages({ channel: coordinatorsChannel }).map((m) => m.text)).toEqual([
      'Itinerary not delivered to Provider 5',
    ]);
    expect(teams.posts('coord')).toHaveLength(1);
    expect([...exceptions.reported.values()]).toEqual([
      expect.objectContaining({
        kind: 'delivery-failed',
        reason: 'slack:channel_not_found',
        providerId: 'provider-05',
      }),
    ]);
  });

  it('should, after a call-out, send new itineraries to the providers whose day changed and one coordinator summary', async () => {
    const planId = randomUUID();
    await publish(planId, 1, weekOf(providers.map((p) => p.providerId)));
    await drain();
    const tuesday = SEED_WEEK[1] ?? '';
    const callOutId = randomUUID();
    const replan = create(DispatchPlanPublishedV1Schema, {
      planId,
      version: 2,
      previousVersion: 1,
      timeZone: 'America/New_York',
      providerDays: ['provider-07', 'provider-08', 'provider-09'].map((providerId) => ({
        providerId,
        day: tuesday,
      })),
      callOut: {
        callOutId,
        providerId: 'provider-07',
        backupProviderIds: ['provider-08', 'provider-09'],
        reassignedAppointmentIds: [randomUUID(), randomUUID()],
        rescheduleNeededAppointmentIds: [randomUUID()],
      },
    });
    plans.store(
      aPlanVersion(tenantId, planId, 2, [
        aProviderDay('provider-07', tuesday, 0),
        aProviderDay('provider-08', tuesday, 4),
        aProviderDay('provider-09', tuesday, 4),
      ]),
    );
    await consumePlan(replan);
    await consumePlan(replan);
    await drain();

    const deltas = slack
      .messages()
      .slice(12)
      .filter((m) => m.channel !== coordinatorsChannel);
    expect(deltas.map((m) => m.channel).sort()).toEqual(
      ['U0PROV007', 'U0PROV008', 'U0PROV009'].map((u) => slack.dmChannelOf(u)).sort(),
    );
    expect(deltas.every((m) => m.text.startsWith('Updated itinerary — Tue 8 Dec'))).toBe(true);
    const summaries = slack.messages({ channel: coordinatorsChannel });
    expect(summaries.map((m) => m.text)).toEqual(['Provider 7 called out']);
    expect(JSON.stringify(summaries[0]?.blocks)).toContain('Provider 8, Provider 9');
    expect(teams.posts('coord').map((p) => JSON.stringify(p.card))).toEqual([
      expect.stringContaining('Patients to reschedule'),
    ]);
  });

  it('should name unserved visits to coordinators once, not again with every later version', async () => {
    const planId = randomUUID();
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const version = async (
      number: number,
      unserved: string[],
      callOut?: { providerId: string; rescheduleNeededAppointmentIds: string[] },
    ) => {
      plans.store({
        ...aPlanVersion(tenantId, planId, number, []),
        unserved: unserved.map((appointmentId) => ({
          appointmentId,
          patientDisplayName: 'Ana R.',
          visitType: 'wound-care',
          visitMode: 'home',
          requestedStart: `${SEED_WEEK[1]}T15:00:00.000Z`,
          reason: 'NO_CREDENTIALED_PROVIDER',
          previousProviderId: null,
        })),
      });
      await consumePlan(
        create(DispatchPlanPublishedV1Schema, {
          planId,
          version: number,
          previousVersion: number - 1,
          timeZone: 'America/New_York',
          unservedAppointmentIds: unserved,
          callOut: callOut && { callOutId: randomUUID(), backupProviderIds: [], ...callOut },
        }),
      );
    };

    await version(1, [a, b]);
    // The call-out's patient to reschedule is in its own summary.
    await version(2, [a, b, c], { providerId: 'provider-07', rescheduleNeededAppointmentIds: [c] });
    await version(3, [a, b, c]);
    await version(4, [a, b, c, d]);
    await drain();

    expect(
      slack
        .messages({ channel: coordinatorsChannel })
        .map((m) => m.text)
        .sort(),
    ).toEqual([
      '1 appointments could not be planned',
      '2 appointments could not be planned',
      'Provider 7 called out',
    ]);
  });

  it('should text an SMS provider a one-segment summary with the link through Twilio, with no patient data', async () => {
    const planId = randomUUID();
    await publish(planId, 1, weekOf([texted.providerId]));

    await drain();

    const [text] = twilio.messages();
    expect(twilio.messages()).toHaveLength(1);
    expect(text.to).toBe('+15005550113');
    expect(text.from).toBe('+15005550006');
    expect(text.body).toMatch(
      /^Itinerary Mon 7 Dec-Fri 11 Dec: 15 visits, drive .+\. https:\/\/caredispatch\.invalid\/itineraries\/[A-Za-z0-9_-]{22}$/,
    );
    expect(text.body.length).toBeLessThanOrEqual(160);
    expect(text.body).not.toMatch(/Pat\d|Elm St/);
    const [row] = await dataSource.query<{ state: string; external_id: string }[]>(
      'SELECT state, external_id FROM itinerary_delivery',
    );
    expect(row).toEqual({ state: 'sent', external_id: text.sid });
    expect(await auditEvents()).toEqual(['ItineraryDeliveredV1']);
    // The link's token is not stored; its row expires at the midnight after Friday, New York.
    const links = await dataSource.query<{ days: string[]; expires_at: Date; digest: string }[]>(
      "SELECT days, expires_at, encode(token_digest, 'base64') AS digest FROM itinerary_link",
    );
    expect(links).toHaveLength(1);
    expect(links[0].days).toEqual(SEED_WEEK);
    expect(links[0].expires_at.toISOString()).toBe('2026-12-12T05:00:00.000Z');
    expect(text.body).not.toContain(links[0].digest.replace(/=+$/, ''));
  });

  it('should not text twice when Twilio accepted the text but answered 500 (found by reconciliation)', async () => {
    const planId = randomUUID();
    twilio.failNext(1, TwilioFailures.internalServerError, { afterAccepting: true });
    await publish(planId, 1, weekOf([texted.providerId]));

    await drain();
    clock.advance(LEASE_MS * 2);
    await drain();

    expect(twilio.messages()).toHaveLength(1);
    const [row] = await dataSource.query<{ state: string; external_id: string }[]>(
      'SELECT state, external_id FROM itinerary_delivery',
    );
    expect(row).toEqual({ state: 'sent', external_id: twilio.messages()[0].sid });
  });

  it("should hold an itinerary through the provider's quiet time and send it when it ends", async () => {
    const planId = randomUUID();
    // Move the clock to 22:00 New York time today (quiet), keeping the wall-clock offset small.
    const now = clock.now();
    const tenPm = DateTime.fromJSDate(now, { zone: 'America/New_York' })
      .set({ hour: 22, minute: 0, second: 0, millisecond: 0 })
      .toMillis();
    clock.advance(tenPm - now.getTime());
    await publish(planId, 1, weekOf([sleeper.providerId, 'provider-01']));

    await drain();
    expect(slack.messages().map((m) => m.channel)).toEqual([slack.dmChannelOf('U0PROV001')]);
    const [held] = await dataSource.query<{ next_attempt_at: Date }[]>(
      'SELECT next_attempt_at FROM itinerary_delivery WHERE provider_id = $1',
      [sleeper.providerId],
    );
    const sevenAm = DateTime.fromMillis(tenPm, { zone: 'America/New_York' })
      .plus({ days: 1 })
      .set({ hour: 7, minute: 0 });
    expect(held.next_attempt_at.getTime()).toBe(sevenAm.toMillis());

    clock.advance(held.next_attempt_at.getTime() - clock.now().getTime());
    await drain();

    expect(slack.messages().map((m) => m.channel)).toEqual([
      slack.dmChannelOf('U0PROV001'),
      slack.dmChannelOf('U0PROV014'),
    ]);
  });
});
