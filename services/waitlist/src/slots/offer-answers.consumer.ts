import { Inject, Injectable, Logger } from '@nestjs/common';

import { OfferAnswer, Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { WaitlistError, WaitlistErrorCode } from '../waitlist.errors';

import { FreedSlotService } from './freed-slot.service';

/**
 * A patient's answer to an offer text (messaging's PatientAnsweredOfferV1) → accept or decline,
 * in the inbox transaction, so a redelivered answer changes nothing. A late or closed answer is
 * an outcome, not a failure: the offer's resolution tells messaging what to text.
 */
@Injectable()
export class OfferAnswersConsumer {
  private readonly logger = new Logger(OfferAnswersConsumer.name);

  constructor(
    private readonly slots: FreedSlotService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventHandler(Topics.MessagingPatientResponseV1, 'PatientAnsweredOfferV1')
  async onAnswered(ctx: EventContext<'PatientAnsweredOfferV1'>): Promise<void> {
    const { tenantId } = ctx.envelope;
    const { offerId, answer } = ctx.event;
    const now = this.clock.now();
    let outcome: string;
    try {
      if (answer === OfferAnswer.DECLINED) {
        await this.slots.declineIn(ctx.manager, tenantId, offerId, now);
        outcome = 'declined';
      } else {
        outcome = await this.slots.acceptIn(ctx.manager, tenantId, offerId, now);
      }
    } catch (error) {
      // An answer to an offer this tenant does not have, or one already closed: nothing to do.
      if (
        error instanceof WaitlistError &&
        (error.code === WaitlistErrorCode.OfferNotFound ||
          error.code === WaitlistErrorCode.OfferClosed)
      ) {
        outcome = error.code;
      } else {
        throw error;
      }
    }
    this.logger.log({ message: 'offer answered', tenantId, offerId, outcome });
  }
}
