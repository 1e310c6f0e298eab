import { Injectable } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';

import { RescheduleTextsService } from './reschedule-texts.service';

/**
 * `dispatch.reschedule.v1` → "we need to reschedule" texts. Events arrive decoded and validated
 * in the inbox transaction, so a redelivered event queues no second text.
 */
@Injectable()
export class RescheduleTextsConsumer {
  constructor(private readonly texts: RescheduleTextsService) {}

  @EventHandler(Topics.DispatchRescheduleV1, 'PatientRescheduleNeededV1')
  async onRescheduleNeeded(ctx: EventContext<'PatientRescheduleNeededV1'>): Promise<void> {
    await this.texts.rescheduleNeeded(ctx.manager, ctx.envelope, ctx.event);
  }
}
