import { Inject, Injectable, Logger } from '@nestjs/common';

import { Topics, WriteBackAction, WriteBackFailureReason } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { WaitlistError, WaitlistErrorCode } from '../waitlist.errors';

import { FreedSlotService } from './freed-slot.service';

/** Failures that mean "someone else has this time now": the acceptor is told, nobody escalates. */
const SLOT_TAKEN = new Set([
  WriteBackFailureReason.SLOT_TAKEN,
  WriteBackFailureReason.SUPERSEDED_BY_STAFF,
  WriteBackFailureReason.APPOINTMENT_CANCELLED,
]);

/**
 * ehr-gateway's outcome of a waitlist booking (`ehr.write-back.v1`, action BOOK, response_id =
 * the offer id) → the slot is filled, or the acceptor is told and stays on the list. Runs in the
 * inbox transaction; other write-backs (patients' answers to their own visits) are not ours.
 */
@Injectable()
export class BookingOutcomesConsumer {
  private readonly logger = new Logger(BookingOutcomesConsumer.name);

  constructor(
    private readonly slots: FreedSlotService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventHandler(Topics.EhrWriteBackV1, 'WriteBackSucceededV1')
  async onSucceeded(ctx: EventContext<'WriteBackSucceededV1'>): Promise<void> {
    if (ctx.event.action !== WriteBackAction.BOOK) return;
    await this.apply(ctx.manager, ctx.envelope.tenantId, ctx.event.responseId, { kind: 'booked' });
  }

  @EventHandler(Topics.EhrWriteBackV1, 'WriteBackFailedV1')
  async onFailed(ctx: EventContext<'WriteBackFailedV1'>): Promise<void> {
    if (ctx.event.action !== WriteBackAction.BOOK) return;
    await this.apply(ctx.manager, ctx.envelope.tenantId, ctx.event.responseId, {
      kind: 'failed',
      cause:
        ctx.event.reason === WriteBackFailureReason.KEPT_VISIT_CHANGED
          ? 'kept-visit-changed'
          : SLOT_TAKEN.has(ctx.event.reason)
            ? 'slot-taken'
            : 'other',
    });
  }

  private async apply(
    manager: EventContext<'WriteBackFailedV1'>['manager'],
    tenantId: string,
    offerId: string,
    outcome: Parameters<FreedSlotService['onBookingOutcome']>[3],
  ): Promise<void> {
    try {
      await this.slots.onBookingOutcome(manager, tenantId, offerId, outcome, this.clock.now());
    } catch (error) {
      // A booking of an offer this tenant does not have: nothing to do.
      if (error instanceof WaitlistError && error.code === WaitlistErrorCode.OfferNotFound) return;
      throw error;
    }
    this.logger.log({ message: 'waitlist booking outcome', tenantId, offerId, kind: outcome.kind });
  }
}
