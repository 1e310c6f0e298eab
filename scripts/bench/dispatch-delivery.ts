/**
 * Delivery part of `bench:dispatch`: the seed's week (12 providers × Monday–Friday) queued as
 * the plan consumer queues it, then sent to the Slack stand-in through the real deliverer and
 * PostgreSQL; then a call-out re-plan (3 changed provider-days + coordinator summary).
 * Prints wall-clock figures; no thresholds.
 */
import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import {
  CreateOutboxMessage1764201600000,
  OutboxWriter,
  ParkOutboxMessage1764201600002,
} from '@caredispatch/kafka';
import { Secret, systemClock } from '@caredispatch/platform';
import {
  phiEnvironment,
  SlackStandIn,
  TEST_AUDIENCE,
  ThrowawayDatabase,
} from '@caredispatch/testing';

import { dispatchOptimizerConfigSchema } from '../../services/dispatch-optimizer/src/config';
import { deliveriesForPlan } from '../../services/dispatch-optimizer/src/delivery/delivery-plan';
import { deliveryMigrations } from '../../services/dispatch-optimizer/src/delivery/delivery-schema';
import {
  aPlanVersion,
  aProvider,
  aProviderDay,
  InMemoryPlans,
  InMemoryRoster,
  RecordingExceptions,
  SEED_WEEK,
} from '../../services/dispatch-optimizer/src/delivery/delivery-test-fixtures';
import { ItineraryDeliverer } from '../../services/dispatch-optimizer/src/delivery/itinerary-deliverer.service';
import { ItineraryDeliveryEvents } from '../../services/dispatch-optimizer/src/delivery/itinerary-delivery.events';
import { ItineraryDeliveryRepository } from '../../services/dispatch-optimizer/src/delivery/itinerary-delivery.repository';
import { SlackItineraryChannel } from '../../services/dispatch-optimizer/src/delivery/slack-itinerary.channel';
import { callOutEscalation } from '../../services/dispatch-optimizer/src/escalation/call-out-escalation';
import { CoordinatorNoticeRepository } from '../../services/dispatch-optimizer/src/escalation/coordinator-notice.repository';
import { CoordinatorNotifier } from '../../services/dispatch-optimizer/src/escalation/coordinator-notifier.service';
import { ItineraryLinkRepository } from '../../services/dispatch-optimizer/src/itinerary-page/itinerary-link.repository';
import { ItineraryLinks } from '../../services/dispatch-optimizer/src/itinerary-page/itinerary-links.service';
import { CreateItineraryLink1800400000000 } from '../../services/dispatch-optimizer/src/migrations/1800400000000-CreateItineraryLink';
import { SlackClients } from '../../services/dispatch-optimizer/src/slack/slack-clients';

async function main(): Promise<void> {
  const tenantId = 'tenant-bench';
  const slack = new SlackStandIn();
  await slack.start();
  const database = await ThrowawayDatabase.create('caredispatch_dispatch_delivery_bench');
  const dataSource = new DataSource({
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
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    const config = dispatchOptimizerConfigSchema.parse({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: '127.0.0.1:9092',
      // Nothing here is an HTTP route: the issuer is never reached.
      OIDC_ISSUER_URL: 'http://127.0.0.1:1/unused-issuer',
      OIDC_AUDIENCE: TEST_AUDIENCE,
      ...phiEnvironment(),
      ESCALATION_SLACK_CHANNELS: JSON.stringify({ [tenantId]: 'C0COORD' }),
    });
    const providers = Array.from({ length: 12 }, (_, i) => aProvider(tenantId, i + 1));
    const plans = new InMemoryPlans();
    const deliveries = new ItineraryDeliveryRepository(dataSource);
    const notices = new CoordinatorNoticeRepository(dataSource);
    const clients = new SlackClients({
      apiUrl: slack.apiUrl,
      botTokens: new Map([[tenantId, new Secret(slack.botToken)]]),
      timeoutMs: 5_000,
    });
    const outbox = new OutboxWriter({ producer: 'dispatch-optimizer' });
    const roster = new InMemoryRoster(providers);
    const deliverer = new ItineraryDeliverer(
      dataSource,
      deliveries,
      new ItineraryDeliveryEvents(outbox),
      plans,
      roster,
      new RecordingExceptions(),
      notices,
      [new SlackItineraryChannel(clients)],
      systemClock,
      config,
      new ItineraryLinks(
        dataSource,
        new ItineraryLinkRepository(),
        plans,
        roster,
        outbox,
        systemClock,
        config,
      ),
    );
    const notifier = new CoordinatorNotifier(notices, clients, systemClock, config);
    const drain = async () => {
      while ((await deliverer.runOnce()) + (await notifier.runOnce()) > 0) {
        /* until idle */
      }
    };

    const planId = randomUUID();
    const week = providers.flatMap((p) =>
      SEED_WEEK.map((day) => aProviderDay(p.providerId, day, 3)),
    );
    let started = performance.now();
    plans.store(aPlanVersion(tenantId, planId, 1, week));
    await dataSource.transaction((manager) =>
      deliveries.enqueue(
        manager,
        deliveriesForPlan(
          {
            tenantId,
            planId,
            version: 1,
            previousVersion: null,
            providerDays: week.map((d) => ({ providerId: d.providerId, day: d.day })),
          },
          providers,
          systemClock.now(),
        ),
        systemClock.now(),
      ),
    );
    await drain();
    const weeklyMs = performance.now() - started;
    const weeklyCount = slack.messages().length;

    started = performance.now();
    const tuesday = SEED_WEEK[1] ?? '';
    const changed = ['provider-07', 'provider-08', 'provider-09'];
    plans.store(
      aPlanVersion(
        tenantId,
        planId,
        2,
        changed.map((id) => aProviderDay(id, tuesday, 4)),
      ),
    );
    await dataSource.transaction(async (manager) => {
      await deliveries.enqueue(
        manager,
        deliveriesForPlan(
          {
            tenantId,
            planId,
            version: 2,
            previousVersion: 1,
            providerDays: changed.map((providerId) => ({ providerId, day: tuesday })),
          },
          providers,
          systemClock.now(),
        ),
        systemClock.now(),
      );
      await notices.enqueue(
        manager,
        callOutEscalation({
          tenantId,
          callOutId: randomUUID(),
          providerName: 'Provider 7',
          backupNames: ['Provider 8', 'Provider 9'],
          reassigned: 3,
          rescheduleNeeded: 1,
          planVersion: 2,
        }),
        ['slack'],
        systemClock.now(),
      );
    });
    await drain();
    const callOutMs = performance.now() - started;

    console.log(`weekly itineraries sent to Slack: ${weeklyCount} in ${weeklyMs.toFixed(0)} ms`);
    console.log(
      `call-out notices (3 deltas + 1 coordinator summary): ${slack.messages().length - weeklyCount} in ${callOutMs.toFixed(0)} ms`,
    );
  } finally {
    await dataSource.destroy();
    await database.drop();
    await slack.stop();
  }
}

void main();
