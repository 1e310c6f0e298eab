import { Module } from '@nestjs/common';

import { ConsentModule } from '../consent/consent.module';
import { LinksModule } from '../links/links.module';
import { MessageModule } from '../message/message.module';
import { TwilioSignatureGuard } from '../twilio-status/twilio-signature.guard';
import { WaitlistOffersModule } from '../waitlist-offers/waitlist-offers.module';

import { InboundMessageRepository } from './inbound-message.repository';
import { InboundSmsController } from './inbound-sms.controller';
import { InboundSmsService } from './inbound-sms.service';

/** Two-way SMS: POST /v1/twilio/inbound (replies, opt-out / opt-in, HELP). */
@Module({
  imports: [MessageModule, ConsentModule, WaitlistOffersModule, LinksModule],
  controllers: [InboundSmsController],
  providers: [InboundSmsService, InboundMessageRepository, TwilioSignatureGuard],
  exports: [InboundMessageRepository],
})
export class InboundModule {}
