import { Module } from '@nestjs/common';

import { SettingsModule } from '../settings/settings.module';

import { EhrRosterConsumer } from './roster-import.consumer';
import { RosterImportController } from './roster-import.controller';
import { RosterImportRepository } from './roster-import.repository';
import { RosterImportScheduler } from './roster-import.scheduler';
import { RosterImportService } from './roster-import.service';

/** Roster import from the EHR through ehr-gateway. */
@Module({
  imports: [SettingsModule],
  controllers: [RosterImportController],
  providers: [
    RosterImportService,
    RosterImportRepository,
    EhrRosterConsumer,
    RosterImportScheduler,
  ],
  exports: [RosterImportScheduler],
})
export class RosterImportModule {}
