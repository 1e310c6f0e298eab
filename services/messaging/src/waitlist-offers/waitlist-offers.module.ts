import { Module } from '@nestjs/common';

import { MessageModule } from '../message/message.module';

import { WaitlistOfferTextRepository } from './waitlist-offer-text.repository';
import { WaitlistOffersConsumer } from './waitlist-offers.consumer';
import { WaitlistOffersService } from './waitlist-offers.service';

/** Waitlist offers by SMS: the offer text, its withdrawal, and the acceptor's outcome text. */
@Module({
  imports: [MessageModule],
  providers: [WaitlistOfferTextRepository, WaitlistOffersService, WaitlistOffersConsumer],
})
export class WaitlistOffersModule {}
