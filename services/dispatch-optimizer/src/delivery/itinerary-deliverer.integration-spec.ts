import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import {
  CreateOutboxMessage1764201600000,
  OutboxWriter,
  ParkOutboxMessage1764201600002,
} from '@caredispatch/kafka';
import { type Clock, Secret } from '@caredispatch/platform';
import { SlackStandIn, ThrowawayDatabase } from '@caredispatch/testing';

import { dispatchOptimizerConfigSchema } from '../config';

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
import { ITINERARY_METADATA_EVENT, SlackItineraryChannel } from './slack-itinerary.channel';

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
  const clock = new SteppedClock();
  const providers = Array.from({ length: 12 }, (_, i) => aProvider(tenantId, i + 1));
  const roster = new InMemoryRoster(providers);
  let plans: InMemoryPlans;
  let exceptions: RecordingExceptions;
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let repository: ItineraryDeliveryRepository;
  let sut: ItineraryDeliverer;

  beforeAll(async () => {
    await slack.start();
    database = await ThrowawayDatabase.create('caredispatch_dispatch_delivery');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [
        CreateOutboxMessage1764201600000,
        ParkOutboxMessage1764201600002,
        ...deliveryMigrations,
      ],
      extra: { max: 4 },
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    repository = new ItineraryDeliveryRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
    await slack.stop();
  });

  beforeEach(async () => {
    slack.reset();
    plans = new InMemoryPlans();
    exceptions = new RecordingExceptions();
    await dataSource.query('TRUNCATE itinerary_delivery, outbox_message');
    const config = dispatchOptimizerConfigSchema.parse({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: '127.0.0.1:9092',
      ITINERARY_DELIVERY_LEASE_MS: String(LEASE_MS),
      ITINERARY_DELIVERY_MAX_ATTEMPTS: '3',
    });
    const channel = new SlackItineraryChannel({
      apiUrl: slack.apiUrl,
      botTokens: new Map([[tenantId, new Secret(slack.botToken)]]),
      timeoutMs: 5_000,
    });
    sut = new ItineraryDeliverer(
      dataSource,
      repository,
      new ItineraryDeliveryEvents(new OutboxWriter({ producer: 'dispatch-optimizer', clock })),
      plans,
      roster,
      exceptions,
      [channel],
      clock,
      config,
    );
  });

  /** Stores a plan version and queues its deliveries, as the plan consumer does. */
  async function publish(
    planId: string,
    version: number,
    changed: { providerId: string; day: string }[],
    days = providers.flatMap((p) => SEED_WEEK.map((day) => aProviderDay(p.providerId, day))),
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
      providers,
    );
    await dataSource.transaction((manager) => repository.enqueue(manager, queued, clock.now()));
  }

  async function drain(): Promise<void> {
    while ((await sut.runOnce()) > 0) {
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

    expect(slack.messages()).toHaveLength(0);
    expect(await auditEvents()).toEqual(['ItineraryDeliveryFailedV1']);
    expect([...exceptions.reported.values()]).toEqual([
      expect.objectContaining({
        kind: 'delivery-failed',
        reason: 'slack:channel_not_found',
        providerId: 'provider-05',
      }),
    ]);
  });
});
