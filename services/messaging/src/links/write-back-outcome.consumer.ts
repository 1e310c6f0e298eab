import { Injectable } from '@nestjs/common';

import { Topics, WriteBackAction } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';

import { WriteBackFollowUp } from './write-back-follow-up';

/** ehr-gateway's write-back failures → the patient and the staff inbox (inbox-idempotent). */
@Injectable()
export class WriteBackOutcomeConsumer {
  constructor(private readonly followUp: WriteBackFollowUp) {}

  @EventHandler(Topics.EhrWriteBackV1, 'WriteBackFailedV1')
  async onFailed(ctx: EventContext<'WriteBackFailedV1'>): Promise<void> {
    // A waitlist booking's failure reaches the acceptor through the waitlist's offer outcome; a
    // dispatch reassignment's lands in dispatch's exceptions queue. Neither is a patient's answer.
    if (ctx.event.action === WriteBackAction.BOOK || ctx.event.action === WriteBackAction.REASSIGN)
      return;
    await this.followUp.onFailed(ctx.manager, ctx.envelope, ctx.event);
  }
}
