import { Module } from '@nestjs/common';

import { LinksModule } from '../links/links.module';
import { MessageModule } from '../message/message.module';
import { RemindersModule } from '../reminders/reminders.module';

import { RescheduleTextRepository } from './reschedule-text.repository';
import { RescheduleTextsConsumer } from './reschedule-texts.consumer';
import { RescheduleTextsService } from './reschedule-texts.service';

/** Call-outs (issue 12): a "we need to reschedule" text with the visit's patient link. */
@Module({
  imports: [MessageModule, LinksModule, RemindersModule],
  providers: [RescheduleTextRepository, RescheduleTextsService, RescheduleTextsConsumer],
  exports: [RescheduleTextsService],
})
export class RescheduleTextsModule {}
