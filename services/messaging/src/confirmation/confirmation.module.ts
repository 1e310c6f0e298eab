import { Module } from '@nestjs/common';

import { MessageModule } from '../message/message.module';

import { ConfirmationConsumer } from './confirmation.consumer';
import { ConfirmationService } from './confirmation.service';

/** Appointment events in, queued confirmation messages out. */
@Module({
  imports: [MessageModule],
  providers: [ConfirmationService, ConfirmationConsumer],
})
export class ConfirmationModule {}
