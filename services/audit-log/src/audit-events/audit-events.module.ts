import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { AuditEventsConsumer } from './audit-events.consumer';
import { AuditEventsController } from './audit-events.controller';
import { AuditRecorderService } from './audit-recorder.service';
import { AuditTrailService } from './audit-trail.service';

@Module({
  controllers: [AuditEventsController],
  providers: [systemClockProvider, AuditRecorderService, AuditTrailService, AuditEventsConsumer],
})
export class AuditEventsModule {}
