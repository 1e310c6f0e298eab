import { Module } from '@nestjs/common';

import { ConsentModule } from '../consent/consent.module';
import { FallbackModule } from '../fallback/fallback.module';
import { MessageModule } from '../message/message.module';
import { UnsubscribeModule } from '../unsubscribe/unsubscribe.module';

import { EMAIL_GATEWAY } from './email-gateway.port';
import { MessageSender } from './message-sender.service';
import { SenderLoop } from './sender-loop';
import { SMS_GATEWAY } from './sms-gateway.port';
import { SmtpEmailGateway } from './smtp-email.gateway';
import { TwilioSmsGateway } from './twilio-sms.gateway';

/** Queued messages out to the SMS provider and the email relay, exactly once. */
@Module({
  imports: [MessageModule, ConsentModule, FallbackModule, UnsubscribeModule],
  providers: [
    { provide: SMS_GATEWAY, useClass: TwilioSmsGateway },
    { provide: EMAIL_GATEWAY, useClass: SmtpEmailGateway },
    MessageSender,
    SenderLoop,
  ],
  exports: [SenderLoop],
})
export class SendingModule {}
