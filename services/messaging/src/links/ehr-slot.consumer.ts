import { Injectable } from '@nestjs/common';

import { timestampDate, Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler, PermanentEventError } from '@caredispatch/kafka';

import { FreeSlotRepository } from './free-slot.repository';

/** `ehr.slot.v1` snapshots into the reschedule page's read model (inbox-idempotent). */
@Injectable()
export class EhrSlotConsumer {
  constructor(private readonly slots: FreeSlotRepository) {}

  @EventHandler(Topics.EhrSlotV1, 'EhrFreeSlotsV1')
  async onFreeSlots(ctx: EventContext<'EhrFreeSlotsV1'>): Promise<void> {
    const event = ctx.event;
    if (!event.windowStart || !event.windowEnd || !event.observedAt) {
      throw new PermanentEventError('CONTRACT_VIOLATION', 'slot snapshot without its window');
    }
    await this.slots.applySnapshot(ctx.manager, {
      tenantId: ctx.envelope.tenantId,
      ehrScheduleId: event.ehrScheduleId,
      ehrPractitionerIds: event.ehrPractitionerIds,
      ehrLocationIds: event.ehrLocationIds,
      appointmentTypeCodes: event.appointmentTypeCodes,
      windowStart: timestampDate(event.windowStart),
      windowEnd: timestampDate(event.windowEnd),
      observedAt: timestampDate(event.observedAt),
      slots: event.slots.flatMap((slot) =>
        slot.start && slot.end
          ? [
              {
                slotId: slot.slotId,
                start: timestampDate(slot.start),
                end: timestampDate(slot.end),
                appointmentTypeCodes: slot.appointmentTypeCodes,
              },
            ]
          : [],
      ),
    });
  }
}
