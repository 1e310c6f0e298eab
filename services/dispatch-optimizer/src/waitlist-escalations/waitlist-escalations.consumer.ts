import { Inject, Injectable, Logger } from '@nestjs/common';

import { SlotOutcome, timestampDate, Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler, PermanentEventError } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import { announceDueDeliveries } from '../delivery/delivery-wake-up';
import {
  CoordinatorNoticeRepository,
  noticeTargetsOf,
} from '../escalation/coordinator-notice.repository';
import { ExceptionsService } from '../exceptions/exceptions.service';
import { ROSTER_READER } from '../roster/roster-reader.token';
import { type RosterReader } from '../roster/roster.model';

import { waitlistSlotEscalation } from './waitlist-slot-escalation';

/**
 * `waitlist.slot.v1` → the coordinators: a freed slot the waitlist escalated (nobody eligible,
 * every offer declined or expired, starting soon and still open, booking failed) goes into the
 * exceptions queue and is queued as one notice per Slack/Teams target, in the inbox transaction.
 * A redelivery is dropped by the inbox; the slot-keyed dedupe key keeps any second report of
 * the same slot from posting again. CoordinatorNotifier sends.
 */
@Injectable()
export class WaitlistEscalationsConsumer {
  private readonly logger = new Logger(WaitlistEscalationsConsumer.name);

  constructor(
    private readonly notices: CoordinatorNoticeRepository,
    private readonly exceptions: ExceptionsService,
    @Inject(ROSTER_READER) private readonly roster: RosterReader,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventHandler(Topics.WaitlistSlotV1, 'WaitlistSlotClosedV1')
  async onSlotClosed(ctx: EventContext<'WaitlistSlotClosedV1'>): Promise<void> {
    const { event, envelope } = ctx;
    if (event.outcome !== SlotOutcome.ESCALATED) return;
    if (!event.start || !event.end) {
      throw new PermanentEventError('CONTRACT_VIOLATION', 'escalated slot without its times');
    }
    const start = timestampDate(event.start);
    const now = this.clock.now();
    // A slot already under way is nothing a coordinator can fill any more (e.g. history read
    // by a new consumer group): no notice, no exception.
    if (start.getTime() <= now.getTime()) {
      this.logger.log({ slotId: event.slotId, message: 'escalation of a past slot skipped' });
      return;
    }
    const provider = await this.roster.provider(envelope.tenantId, event.providerId);
    const { notice, exception } = waitlistSlotEscalation({
      tenantId: envelope.tenantId,
      slotId: event.slotId,
      start,
      end: timestampDate(event.end),
      timeZone: event.timeZone,
      locationId: event.locationId,
      locationName: event.locationName,
      providerId: event.providerId,
      providerName: provider?.displayName ?? null,
      appointmentTypeCode: event.appointmentTypeCode,
      reason: event.escalationReason,
      offersMade: event.offersMade,
    });
    await this.exceptions.report(exception, ctx.manager);
    await this.notices.enqueue(
      ctx.manager,
      notice,
      noticeTargetsOf(this.config, envelope.tenantId),
      now,
    );
    await announceDueDeliveries(ctx.manager);
  }
}
