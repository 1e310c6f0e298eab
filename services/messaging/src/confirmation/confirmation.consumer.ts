import { Injectable } from '@nestjs/common';

import { type ScheduledAppointment, Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler, PermanentEventError } from '@caredispatch/kafka';

import { PatientLinksService } from '../links/patient-links.service';
import { ReminderScheduleService } from '../reminders/schedule/reminder-schedule.service';
import { RescheduleTextsService } from '../reschedule-texts/reschedule-texts.service';

import { ConfirmationKind } from './confirmation-text';
import { ConfirmationOutcome, ConfirmationService } from './confirmation.service';

/**
 * Thin adapter from `scheduling.appointment.v1` to ConfirmationService. Events arrive
 * decoded and validated, inside a transaction that also records the event id (inbox), so a
 * redelivered event has no second effect.
 */
@Injectable()
export class ConfirmationConsumer {
  constructor(
    private readonly confirmations: ConfirmationService,
    private readonly reminders: ReminderScheduleService,
    private readonly links: PatientLinksService,
    private readonly rescheduleTexts: RescheduleTextsService,
  ) {}

  @EventHandler(Topics.SchedulingAppointmentV1, 'AppointmentBookedV1')
  async onBooked(ctx: EventContext<'AppointmentBookedV1'>): Promise<void> {
    await this.confirmAndRemind(ctx, appointmentOf(ctx.event), ConfirmationKind.Booked);
  }

  @EventHandler(Topics.SchedulingAppointmentV1, 'AppointmentRescheduledV1')
  async onRescheduled(ctx: EventContext<'AppointmentRescheduledV1'>): Promise<void> {
    await this.confirmAndRemind(ctx, appointmentOf(ctx.event), ConfirmationKind.Rescheduled);
  }

  /** A duplicate or out-of-order revision plans nothing: the newer plan stands. */
  private async confirmAndRemind(
    ctx: EventContext<'AppointmentBookedV1'> | EventContext<'AppointmentRescheduledV1'>,
    appointment: ScheduledAppointment,
    kind: ConfirmationKind,
  ): Promise<void> {
    await this.links.recordAppointment(ctx.manager, ctx.envelope, appointment, false);
    const outcome = await this.confirmations.confirm(ctx.manager, ctx.envelope, appointment, kind);
    if (outcome === ConfirmationOutcome.AlreadyHandled) return;
    await this.reminders.plan(ctx.manager, ctx.envelope, appointment);
    // After the confirmation: a reschedule request that came first texts the number it holds.
    await this.rescheduleTexts.appointmentRecorded(
      ctx.manager,
      ctx.envelope.tenantId,
      appointment.appointmentId,
    );
  }

  @EventHandler(Topics.SchedulingAppointmentV1, 'AppointmentCancelledV1')
  async onCancelled(ctx: EventContext<'AppointmentCancelledV1'>): Promise<void> {
    const appointment = appointmentOf(ctx.event);
    await this.links.recordAppointment(ctx.manager, ctx.envelope, appointment, true);
    await this.confirmations.withdraw(ctx.manager, ctx.envelope, appointment);
    await this.rescheduleTexts.appointmentRecorded(
      ctx.manager,
      ctx.envelope.tenantId,
      appointment.appointmentId,
    );
  }
}

/** The contract's validation guarantees `appointment`; this narrows the proto3 optional. */
function appointmentOf(event: { appointment?: ScheduledAppointment }): ScheduledAppointment {
  if (!event.appointment)
    throw new PermanentEventError('CONTRACT_VIOLATION', 'appointment event without appointment');
  return event.appointment;
}
