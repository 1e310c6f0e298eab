import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { ConsentModule } from '../consent/consent.module';
import { MessageModule } from '../message/message.module';

import { EhrSlotConsumer } from './ehr-slot.consumer';
import { FreeSlotRepository } from './free-slot.repository';
import { FreeSlotFinder } from './free-slots.port';
import { PatientLinkRepository } from './patient-link.repository';
import { PatientLinksService } from './patient-links.service';
import { PatientPageController } from './patient-page.controller';
import { WriteBackFollowUp } from './write-back-follow-up';
import { WriteBackOutcomeConsumer } from './write-back-outcome.consumer';

/**
 * One-tap patient links (`/a/{token}`) and the patient page: issued with confirmations,
 * revoked when the appointment changes, answered as `messaging.patient-response.v1`; failed
 * EHR write-backs come back to the patient and the staff inbox.
 */
@Module({
  imports: [MessageModule, ConsentModule],
  controllers: [PatientPageController],
  providers: [
    PatientLinkRepository,
    PatientLinksService,
    FreeSlotRepository,
    EhrSlotConsumer,
    WriteBackFollowUp,
    WriteBackOutcomeConsumer,
    { provide: FreeSlotFinder, useExisting: FreeSlotRepository },
    systemClockProvider,
  ],
  exports: [PatientLinksService, PatientLinkRepository, FreeSlotRepository],
})
export class LinksModule {}
