import { Module } from '@nestjs/common';

import { SERVICE_CONFIG, systemClockProvider } from '@caredispatch/platform';

import { type WaitlistConfig } from './config';
import { EarlierTimeRequestsConsumer } from './entries/earlier-time-requests.consumer';
import { WaitlistEntryController } from './entries/waitlist-entry.controller';
import { WaitlistEntryService } from './entries/waitlist-entry.service';
import { WaitlistMetricsController } from './metrics/waitlist-metrics.controller';
import { WaitlistMetricsService } from './metrics/waitlist-metrics.service';
import { WaitlistSettings } from './settings/waitlist-settings';
import { AcceptanceGate } from './slots/acceptance-gate';
import { AppointmentChangesConsumer } from './slots/appointment-changes.consumer';
import { BookingOutcomesConsumer } from './slots/booking-outcomes.consumer';
import { FreedSlotQueryService } from './slots/freed-slot-query.service';
import { FreedSlotService } from './slots/freed-slot.service';
import { HoldExpiryLoop } from './slots/hold-expiry.loop';
import { OfferAnswersConsumer } from './slots/offer-answers.consumer';
import { WaitlistCandidatesRepository } from './slots/waitlist-candidates.repository';
import { WaitlistEvents } from './slots/waitlist-events';
import { WaitlistOfferController } from './slots/waitlist-offer.controller';

@Module({
  controllers: [WaitlistEntryController, WaitlistOfferController, WaitlistMetricsController],
  providers: [
    systemClockProvider,
    {
      provide: WaitlistSettings,
      inject: [SERVICE_CONFIG],
      useFactory: (config: WaitlistConfig) => new WaitlistSettings(config.WAITLIST_SETTINGS),
    },
    {
      provide: AcceptanceGate,
      inject: [SERVICE_CONFIG],
      useFactory: (config: WaitlistConfig) => AcceptanceGate.forPool(config.DATABASE_POOL_SIZE),
    },
    WaitlistEvents,
    WaitlistCandidatesRepository,
    FreedSlotService,
    FreedSlotQueryService,
    WaitlistEntryService,
    WaitlistMetricsService,
    AppointmentChangesConsumer,
    OfferAnswersConsumer,
    EarlierTimeRequestsConsumer,
    BookingOutcomesConsumer,
    HoldExpiryLoop,
  ],
})
export class WaitlistModule {}
