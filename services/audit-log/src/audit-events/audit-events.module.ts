import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { AuditEventsConsumer } from './audit-events.consumer';
import { AuditEventsController } from './audit-events.controller';
import { AuditRecorderService } from './audit-recorder.service';
import { AuditTokenGuard } from './audit-token.guard';
import { AuditTrailService } from './audit-trail.service';

@Module({
  controllers: [AuditEventsController],
  providers: [
    systemClockProvider,
    AuditRecorderService,
    AuditTrailService,
    AuditTokenGuard,
    AuditEventsConsumer,
  ],
})
export class AuditEventsModule {}
