import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { RosterImportConsumer } from './roster-import.consumer';
import { RosterImportRepository } from './roster-import.repository';
import { RosterImportService } from './roster-import.service';

/** Roster imports from the EHR's FHIR Practitioner / PractitionerRole for dispatch. */
@Module({
  providers: [
    RosterImportConsumer,
    RosterImportService,
    RosterImportRepository,
    systemClockProvider,
  ],
  exports: [RosterImportService],
})
export class RosterModule {}
