import { Module } from '@nestjs/common';

import { MessageModule } from '../message/message.module';

import { ConsentRepository } from './consent.repository';
import { ConsentService } from './consent.service';

/** Consent per patient, channel and tenant: recorded, checked at planning and at send time. */
@Module({
  imports: [MessageModule],
  providers: [ConsentRepository, ConsentService],
  exports: [ConsentRepository, ConsentService],
})
export class ConsentModule {}
