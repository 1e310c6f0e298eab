import { Module } from '@nestjs/common';

import { LinksModule } from '../links/links.module';
import { MessageModule } from '../message/message.module';
import { RemindersModule } from '../reminders/reminders.module';
import { RescheduleTextsModule } from '../reschedule-texts/reschedule-texts.module';

import { ConfirmationConsumer } from './confirmation.consumer';
import { ConfirmationService } from './confirmation.service';

/** Appointment events in, queued confirmation and reminder messages out. */
@Module({
  imports: [MessageModule, RemindersModule, LinksModule, RescheduleTextsModule],
  providers: [ConfirmationService, ConfirmationConsumer],
})
export class ConfirmationModule {}
