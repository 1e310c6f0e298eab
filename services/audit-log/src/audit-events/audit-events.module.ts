import { Module } from '@nestjs/common';

import { systemClock } from '@caredispatch/contracts';

import { AuditEventsConsumer } from './audit-events.consumer';
import { AuditEventsController } from './audit-events.controller';
import { AuditRecorderService } from './audit-recorder.service';
import { AuditTokenGuard } from './audit-token.guard';
import { AuditTrailService } from './audit-trail.service';
import { CLOCK } from './clock.token';

@Module({
  controllers: [AuditEventsController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    AuditRecorderService,
    AuditTrailService,
    AuditTokenGuard,
    AuditEventsConsumer,
  ],
})
export class AuditEventsModule {}
