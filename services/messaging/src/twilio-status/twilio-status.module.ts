import { Module } from '@nestjs/common';

import { ConsentModule } from '../consent/consent.module';
import { FallbackModule } from '../fallback/fallback.module';
import { MessageModule } from '../message/message.module';

import { TwilioSignatureGuard } from './twilio-signature.guard';
import { TwilioStatusController } from './twilio-status.controller';
import { TwilioStatusService } from './twilio-status.service';

/** Delivery reports from Twilio (POST /v1/twilio/status). */
@Module({
  imports: [MessageModule, ConsentModule, FallbackModule],
  controllers: [TwilioStatusController],
  providers: [TwilioStatusService, TwilioSignatureGuard],
})
export class TwilioStatusModule {}
