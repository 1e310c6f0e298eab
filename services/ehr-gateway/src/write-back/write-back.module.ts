import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { SlotsModule } from '../slots/slots.module';

import { WriteBackConsumer } from './write-back.consumer';
import { WriteBackRepository } from './write-back.repository';
import { WriteBackService } from './write-back.service';

@Module({
  imports: [SlotsModule],
  providers: [WriteBackConsumer, WriteBackService, WriteBackRepository, systemClockProvider],
})
export class WriteBackModule {}
