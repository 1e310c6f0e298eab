import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { EhrSlotConsumer } from './ehr-slot.consumer';
import { FreeSlotRepository } from './free-slot.repository';
import { FreeSlotFinder } from './free-slots.port';
import { PatientLinkRepository } from './patient-link.repository';
import { PatientLinksService } from './patient-links.service';
import { PatientPageController } from './patient-page.controller';

/**
 * One-tap patient links (`/a/{token}`) and the patient page: issued with confirmations,
 * revoked when the appointment changes, answered as `messaging.patient-response.v1`.
 */
@Module({
  controllers: [PatientPageController],
  providers: [
    PatientLinkRepository,
    PatientLinksService,
    FreeSlotRepository,
    EhrSlotConsumer,
    { provide: FreeSlotFinder, useExisting: FreeSlotRepository },
    systemClockProvider,
  ],
  exports: [PatientLinksService, FreeSlotRepository],
})
export class LinksModule {}
