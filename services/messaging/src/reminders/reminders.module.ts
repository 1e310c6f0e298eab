import { Module } from '@nestjs/common';

import { ConsentModule } from '../consent/consent.module';
import { FallbackModule } from '../fallback/fallback.module';
import { LinksModule } from '../links/links.module';
import { MessageModule } from '../message/message.module';

import { ReminderRecipientRepository } from './schedule/reminder-recipient.repository';
import { ReminderScheduleService } from './schedule/reminder-schedule.service';
import { ReminderSettingsController } from './settings/reminder-settings.controller';
import { ReminderSettingsRepository } from './settings/reminder-settings.repository';
import { ReminderSettingsService } from './settings/reminder-settings.service';
import { ReminderTemplateRepository } from './templates/reminder-template.repository';
import { ReminderTemplatesController } from './templates/reminder-templates.controller';
import { ReminderTemplatesService } from './templates/reminder-templates.service';

/** Reminder planning into the sender's queue; the consumer of appointment events calls it. */
@Module({
  imports: [MessageModule, ConsentModule, LinksModule, FallbackModule],
  controllers: [ReminderSettingsController, ReminderTemplatesController],
  providers: [
    ReminderScheduleService,
    ReminderRecipientRepository,
    ReminderSettingsRepository,
    ReminderSettingsService,
    ReminderTemplateRepository,
    ReminderTemplatesService,
  ],
  exports: [ReminderScheduleService, ReminderSettingsRepository],
})
export class RemindersModule {}
