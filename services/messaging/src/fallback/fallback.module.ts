import { Module } from '@nestjs/common';

import { MessageModule } from '../message/message.module';

import { EmailFallbackService } from './email-fallback.service';
import { UndeliverableNumberRepository } from './undeliverable-number.repository';

/** Twilio 30003/30006: the number is marked and the reminder goes by email instead. */
@Module({
  imports: [MessageModule],
  providers: [EmailFallbackService, UndeliverableNumberRepository],
  exports: [EmailFallbackService, UndeliverableNumberRepository],
})
export class FallbackModule {}
