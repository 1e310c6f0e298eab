import { Inject, Injectable } from '@nestjs/common';

import { type EventPayload, Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import { callOutEscalation, unservedEscalation } from '../escalation/call-out-escalation';
import { type CoordinatorEscalation } from '../escalation/coordinator-escalation';
import {
  CoordinatorNoticeRepository,
  noticeTargetsOf,
} from '../escalation/coordinator-notice.repository';
import { PlanReader } from '../plan/plan-published';
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
    private readonly notices: CoordinatorNoticeRepository,
    private readonly plans: PlanReader,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
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
        this.clock.now(),
      ),
      this.clock.now(),
    );
    const escalations = await this.escalationsFor(envelope.tenantId, event);
    for (const escalation of escalations) {
      await this.notices.enqueue(
        ctx.manager,
        escalation,
        noticeTargetsOf(this.config, envelope.tenantId),
        this.clock.now(),
      );
    }
    if (queued > 0 || escalations.length > 0) await announceDueDeliveries(ctx.manager);
  }

  /**
   * One summary per call-out; one notice per plan version that leaves visits unserved that no
   * earlier notice named. A re-plan carries the week's unserved visits along: repeating them
   * after every booking or call-out would bury the one summary coordinators need, and the
   * call-out's patients to reschedule are already in its summary.
   */
  private async escalationsFor(
    tenantId: string,
    event: EventPayload<'DispatchPlanPublishedV1'>,
  ): Promise<CoordinatorEscalation[]> {
    const escalations: CoordinatorEscalation[] = [];
    const callOut = event.callOut;
    if (callOut) {
      const people = await this.roster.providers(tenantId, [
        callOut.providerId,
        ...callOut.backupProviderIds,
      ]);
      const nameOf = (id: string) => people.find((p) => p.providerId === id)?.displayName ?? id;
      escalations.push(
        callOutEscalation({
          tenantId,
          callOutId: callOut.callOutId,
          providerName: nameOf(callOut.providerId),
          backupNames: callOut.backupProviderIds.map(nameOf),
          reassigned: callOut.reassignedAppointmentIds.length,
          rescheduleNeeded: callOut.rescheduleNeededAppointmentIds.length,
          planVersion: event.version,
        }),
      );
    }
    if (event.unservedAppointmentIds.length > 0) {
      const plan = await this.plans.version(tenantId, event.planId, event.version);
      const earlier =
        event.previousVersion === 0
          ? null
          : await this.plans.version(tenantId, event.planId, event.previousVersion);
      const named = new Set([
        ...(earlier?.unserved ?? []).map((entry) => entry.appointmentId),
        ...(callOut?.rescheduleNeededAppointmentIds ?? []),
      ]);
      const fresh = (plan?.unserved ?? []).filter((entry) => !named.has(entry.appointmentId));
      if (fresh.length > 0) {
        escalations.push(
          unservedEscalation({
            tenantId,
            planId: event.planId,
            planVersion: event.version,
            unserved: fresh,
          }),
        );
      }
    }
    return escalations;
  }
}
