import { Inject, Injectable } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { ROSTER_READER } from '../roster/roster-reader.token';
import { type RosterReader } from '../roster/roster.model';

import { deliveriesForPlan } from './delivery-plan';
import { announceDueDeliveries } from './delivery-wake-up';
import { ItineraryDeliveryRepository } from './itinerary-delivery.repository';

/**
 * `dispatch.plan.v1` → queued itinerary deliveries, in the inbox transaction: a redelivered
 * plan event queues nothing twice, and the (plan version, provider) key does the same for a
 * replay. Sending happens in ItineraryDeliverer, never here.
 */
@Injectable()
export class PlanDeliveryConsumer {
  constructor(
    private readonly deliveries: ItineraryDeliveryRepository,
    @Inject(ROSTER_READER) private readonly roster: RosterReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventHandler(Topics.DispatchPlanV1, 'DispatchPlanPublishedV1')
  async onPlanPublished(ctx: EventContext<'DispatchPlanPublishedV1'>): Promise<void> {
    const { event, envelope } = ctx;
    const providerDays = event.providerDays.map((d) => ({ providerId: d.providerId, day: d.day }));
    const providers = await this.roster.providers(envelope.tenantId, [
      ...new Set(providerDays.map((d) => d.providerId)),
    ]);
    const queued = await this.deliveries.enqueue(
      ctx.manager,
      deliveriesForPlan(
        {
          tenantId: envelope.tenantId,
          planId: event.planId,
          version: event.version,
          previousVersion: event.previousVersion === 0 ? null : event.previousVersion,
          providerDays,
        },
        providers,
      ),
      this.clock.now(),
    );
    if (queued > 0) await announceDueDeliveries(ctx.manager);
  }
}
