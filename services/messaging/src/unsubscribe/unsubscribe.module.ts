import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { ConsentModule } from '../consent/consent.module';

import { EmailUnsubscribeController } from './email-unsubscribe.controller';
import { EmailUnsubscribeService } from './email-unsubscribe.service';

/** One-click unsubscribe for reminder emails (RFC 8058): signed URLs out, consent changes in. */
@Module({
  imports: [ConsentModule],
  controllers: [EmailUnsubscribeController],
  providers: [EmailUnsubscribeService, systemClockProvider],
  exports: [EmailUnsubscribeService],
})
export class UnsubscribeModule {}
