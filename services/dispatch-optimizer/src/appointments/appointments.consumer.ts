import { Injectable } from '@nestjs/common';

import { type ScheduledAppointment, Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler, PermanentEventError } from '@caredispatch/kafka';

import { DispatchAppointmentRepository } from './dispatch-appointment.repository';

/**
 * `scheduling.appointment.v1` → dispatch's appointment table (inbox: a redelivery has no second
 * effect; the revision guard drops stale events). The plan is updated after commit by the
 * PlanMaintenanceLoop, so no Maps call or optimizer run happens inside the consumer transaction.
 */
@Injectable()
export class AppointmentsConsumer {
  constructor(private readonly appointments: DispatchAppointmentRepository) {}

  @EventHandler(Topics.SchedulingAppointmentV1, 'AppointmentBookedV1')
  async onBooked(ctx: EventContext<'AppointmentBookedV1'>): Promise<void> {
    await this.appointments.record(
      ctx.manager,
      ctx.envelope.tenantId,
      appointmentOf(ctx.event),
      'booked',
    );
  }

  @EventHandler(Topics.SchedulingAppointmentV1, 'AppointmentRescheduledV1')
  async onRescheduled(ctx: EventContext<'AppointmentRescheduledV1'>): Promise<void> {
    await this.appointments.record(
      ctx.manager,
      ctx.envelope.tenantId,
      appointmentOf(ctx.event),
      'booked',
    );
  }

  @EventHandler(Topics.SchedulingAppointmentV1, 'AppointmentCancelledV1')
  async onCancelled(ctx: EventContext<'AppointmentCancelledV1'>): Promise<void> {
    await this.appointments.record(
      ctx.manager,
      ctx.envelope.tenantId,
      appointmentOf(ctx.event),
      'cancelled',
    );
  }
}

function appointmentOf(event: { appointment?: ScheduledAppointment }): ScheduledAppointment {
  if (!event.appointment)
    throw new PermanentEventError('CONTRACT_VIOLATION', 'appointment event without appointment');
  return event.appointment;
}
