import { Module } from '@nestjs/common';

import { ItineraryLinkIssuer } from '../delivery/itinerary-link.port';
import { PlanModule } from '../plan/plan.module';
import { ROSTER_READER } from '../roster/roster-reader.token';
import { RosterModule } from '../roster/roster.module';
import { RosterRepository } from '../roster/roster.repository';

import { ItineraryLinkRepository } from './itinerary-link.repository';
import { ItineraryLinks } from './itinerary-links.service';
import { ItineraryPageController } from './itinerary-page.controller';

/** The signed links in SMS itineraries and the public page behind them (`/itineraries/{token}`). */
@Module({
  imports: [PlanModule, RosterModule],
  controllers: [ItineraryPageController],
  providers: [
    { provide: ROSTER_READER, useExisting: RosterRepository },
    ItineraryLinkRepository,
    ItineraryLinks,
    { provide: ItineraryLinkIssuer, useExisting: ItineraryLinks },
  ],
  exports: [ItineraryLinkIssuer],
})
export class ItineraryPageModule {}
