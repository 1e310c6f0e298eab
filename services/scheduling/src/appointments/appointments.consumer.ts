import { Injectable } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';

import { AppointmentSyncService } from './appointment-sync.service';

/**
 * EHR appointment events → the system of record. The runtime has already decoded and
 * validated the event and opened the transaction that records it in the inbox.
 */
@Injectable()
export class AppointmentsConsumer {
  constructor(private readonly sync: AppointmentSyncService) {}

  @EventHandler(Topics.EhrAppointmentV1, 'EhrAppointmentBookedV1')
  @EventHandler(Topics.EhrAppointmentV1, 'EhrAppointmentRescheduledV1')
  @EventHandler(Topics.EhrAppointmentV1, 'EhrAppointmentCancelledV1')
  async onEhrAppointment(
    context: EventContext<
      'EhrAppointmentBookedV1' | 'EhrAppointmentRescheduledV1' | 'EhrAppointmentCancelledV1'
    >,
  ): Promise<void> {
    await this.sync.applyEhrEvent(context.manager, context);
  }
}
