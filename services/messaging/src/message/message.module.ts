import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { MessageEvents } from './message-events';
import { MessageRepository } from './message.repository';
import { ProviderStatusRecorder } from './provider-status-recorder';

/** The message record, its state machine and its events; shared by the features below. */
@Module({
  providers: [MessageRepository, MessageEvents, ProviderStatusRecorder, systemClockProvider],
  exports: [MessageRepository, MessageEvents, ProviderStatusRecorder, systemClockProvider],
})
export class MessageModule {}
