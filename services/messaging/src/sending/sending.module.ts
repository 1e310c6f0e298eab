import { Module } from '@nestjs/common';

import { ConsentModule } from '../consent/consent.module';
import { MessageModule } from '../message/message.module';

import { MessageSender } from './message-sender.service';
import { SenderLoop } from './sender-loop';
import { SMS_GATEWAY } from './sms-gateway.port';
import { TwilioSmsGateway } from './twilio-sms.gateway';

/** Queued messages out to the SMS provider, exactly once. */
@Module({
  imports: [MessageModule, ConsentModule],
  providers: [{ provide: SMS_GATEWAY, useClass: TwilioSmsGateway }, MessageSender, SenderLoop],
  exports: [SenderLoop],
})
export class SendingModule {}
