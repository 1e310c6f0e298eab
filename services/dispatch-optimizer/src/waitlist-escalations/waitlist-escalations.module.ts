import { Module } from '@nestjs/common';

import { DeliveryModule } from '../delivery/delivery.module';
import { ExceptionsModule } from '../exceptions/exceptions.module';
import { ROSTER_READER } from '../roster/roster-reader.token';
import { RosterModule } from '../roster/roster.module';
import { RosterRepository } from '../roster/roster.repository';

import { WaitlistEscalationsConsumer } from './waitlist-escalations.consumer';

/** Freed slots the waitlist could not fill → the exceptions queue and the coordinators' channels. */
@Module({
  imports: [RosterModule, ExceptionsModule, DeliveryModule],
  providers: [
    { provide: ROSTER_READER, useExisting: RosterRepository },
    WaitlistEscalationsConsumer,
  ],
})
export class WaitlistEscalationsModule {}
