import { Module } from '@nestjs/common';

import { MessageModule } from '../message/message.module';

import { OfferRepliesService } from './offer-replies.service';
import { WaitlistOfferTextRepository } from './waitlist-offer-text.repository';
import { WaitlistOffersConsumer } from './waitlist-offers.consumer';
import { WaitlistOffersService } from './waitlist-offers.service';

/** Waitlist offers by SMS: the offer text, its withdrawal, and the acceptor's outcome text. */
@Module({
  imports: [MessageModule],
  providers: [
    WaitlistOfferTextRepository,
    WaitlistOffersService,
    WaitlistOffersConsumer,
    OfferRepliesService,
  ],
  exports: [OfferRepliesService],
})
export class WaitlistOffersModule {}
