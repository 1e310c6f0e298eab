import { Module } from '@nestjs/common';

import { ConsentModule } from '../consent/consent.module';
import { MessageModule } from '../message/message.module';

import { ReminderRecipientRepository } from './schedule/reminder-recipient.repository';
import { ReminderScheduleService } from './schedule/reminder-schedule.service';

/** Reminder planning into the sender's queue; the consumer of appointment events calls it. */
@Module({
  imports: [MessageModule, ConsentModule],
  providers: [ReminderScheduleService, ReminderRecipientRepository],
  exports: [ReminderScheduleService],
})
export class RemindersModule {}
