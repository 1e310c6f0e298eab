import { Injectable } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';

import { WaitlistOffersService } from './waitlist-offers.service';

/**
 * `waitlist.slot.v1` → offer texts. Events arrive decoded and validated in the inbox
 * transaction, so a redelivered offer queues no second text.
 */
@Injectable()
export class WaitlistOffersConsumer {
  constructor(private readonly offers: WaitlistOffersService) {}

  @EventHandler(Topics.WaitlistSlotV1, 'WaitlistOfferMadeV1')
  async onOfferMade(ctx: EventContext<'WaitlistOfferMadeV1'>): Promise<void> {
    await this.offers.offerMade(ctx.manager, ctx.envelope, ctx.event);
  }

  @EventHandler(Topics.WaitlistSlotV1, 'WaitlistOfferResolvedV1')
  async onOfferResolved(ctx: EventContext<'WaitlistOfferResolvedV1'>): Promise<void> {
    await this.offers.offerResolved(ctx.manager, ctx.envelope, ctx.event);
  }
}
