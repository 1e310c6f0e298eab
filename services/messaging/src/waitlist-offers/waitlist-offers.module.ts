import { Module } from '@nestjs/common';

import { ConsentModule } from '../consent/consent.module';
import { LinksModule } from '../links/links.module';
import { MessageModule } from '../message/message.module';
import { RemindersModule } from '../reminders/reminders.module';

import { OfferLinksService } from './offer-links.service';
import { OfferPageController } from './offer-page.controller';
import { OfferRepliesService } from './offer-replies.service';
import { WaitlistOfferTextRepository } from './waitlist-offer-text.repository';
import { WaitlistOffersConsumer } from './waitlist-offers.consumer';
import { WaitlistOffersService } from './waitlist-offers.service';

/**
 * Waitlist offers by SMS (and email where consented): the offer text with its accept link (`/o/{token}`, the patient-link
 * machinery), its withdrawal, and the acceptor's outcome text.
 */
@Module({
  imports: [MessageModule, LinksModule, ConsentModule, RemindersModule],
  controllers: [OfferPageController],
  providers: [
    OfferLinksService,
    WaitlistOfferTextRepository,
    WaitlistOffersService,
    WaitlistOffersConsumer,
    OfferRepliesService,
  ],
  exports: [OfferRepliesService],
})
export class WaitlistOffersModule {}
