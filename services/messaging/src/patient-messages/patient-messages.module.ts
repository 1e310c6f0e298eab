import { Module } from '@nestjs/common';

import { PhiAccessModule } from '@caredispatch/phi-access';

import { ConsentModule } from '../consent/consent.module';
import { InboundModule } from '../inbound/inbound.module';
import { MessageModule } from '../message/message.module';

import { PatientMessagesController } from './patient-messages.controller';
import { PatientMessagesService } from './patient-messages.service';

/** GET a patient's messages + consent, an appointment's reminder plan. */
@Module({
  imports: [MessageModule, ConsentModule, InboundModule, PhiAccessModule],
  controllers: [PatientMessagesController],
  providers: [PatientMessagesService],
})
export class PatientMessagesModule {}
