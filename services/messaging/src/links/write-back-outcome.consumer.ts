import { Injectable } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';

import { WriteBackFollowUp } from './write-back-follow-up';

/** ehr-gateway's write-back failures → the patient and the staff inbox (inbox-idempotent). */
@Injectable()
export class WriteBackOutcomeConsumer {
  constructor(private readonly followUp: WriteBackFollowUp) {}

  @EventHandler(Topics.EhrWriteBackV1, 'WriteBackFailedV1')
  async onFailed(ctx: EventContext<'WriteBackFailedV1'>): Promise<void> {
    await this.followUp.onFailed(ctx.manager, ctx.envelope, ctx.event);
  }
}
