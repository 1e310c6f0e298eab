import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { MessageEvents } from './message-events';
import { MessageRepository } from './message.repository';

/** The message record, its state machine and its events; shared by the features below. */
@Module({
  providers: [MessageRepository, MessageEvents, systemClockProvider],
  exports: [MessageRepository, MessageEvents, systemClockProvider],
})
export class MessageModule {}
