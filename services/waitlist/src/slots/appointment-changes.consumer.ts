import { type Timestamp } from '@bufbuild/protobuf/wkt';
import { Inject, Injectable, Logger } from '@nestjs/common';

import {
  causedBy,
  type ScheduledAppointment,
  timestampDate,
  Topics,
} from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { WaitlistEntryService } from '../entries/waitlist-entry.service';

import { FreedSlotService, type FreedTime } from './freed-slot.service';

/**
 * scheduling's appointment changes → the waitlist: a cancellation frees its time, a move frees
 * the old time and takes the new one, a booking takes its time (staff filled it) and closes the
 * patient's own waitlist entry for that type. Runs in the inbox transaction.
 */
@Injectable()
export class AppointmentChangesConsumer {
  private readonly logger = new Logger(AppointmentChangesConsumer.name);

  constructor(
    private readonly slots: FreedSlotService,
    private readonly entries: WaitlistEntryService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventHandler(Topics.SchedulingAppointmentV1, 'AppointmentCancelledV1')
  async onCancelled(context: EventContext<'AppointmentCancelledV1'>): Promise<void> {
    const appointment = context.event.appointment;
    if (appointment === undefined) return;
    // A patient waiting for an earlier time for this visit no longer waits once it is cancelled.
    await this.entries.withdrawKeepingIn(
      context.manager,
      context.envelope.tenantId,
      appointment.appointmentId,
      this.clock.now(),
    );
    await this.open(context, appointment, appointment.start, appointment.end);
  }

  @EventHandler(Topics.SchedulingAppointmentV1, 'AppointmentRescheduledV1')
  async onRescheduled(context: EventContext<'AppointmentRescheduledV1'>): Promise<void> {
    const appointment = context.event.appointment;
    if (appointment === undefined) return;
    await this.keptVisitChanged(context, appointment);
    await this.taken(context, appointment);
    await this.open(context, appointment, context.event.previousStart, context.event.previousEnd);
  }

  @EventHandler(Topics.SchedulingAppointmentV1, 'AppointmentBookedV1')
  async onBooked(context: EventContext<'AppointmentBookedV1'>): Promise<void> {
    const appointment = context.event.appointment;
    if (appointment === undefined) return;
    await this.keptVisitChanged(context, appointment);
    await this.taken(context, appointment);
  }

  /** Entries keeping this visit learn its EHR id and version (a fill moves it as it is now). */
  private async keptVisitChanged(
    context: EventContext<'AppointmentBookedV1' | 'AppointmentRescheduledV1'>,
    appointment: ScheduledAppointment,
  ): Promise<void> {
    await this.entries.recordKeptVisitIn(
      context.manager,
      context.envelope.tenantId,
      {
        appointmentId: appointment.appointmentId,
        ehrAppointmentId: appointment.ehrAppointmentId,
        ehrVersion: appointment.ehrVersion,
        revision: appointment.revision,
      },
      this.clock.now(),
    );
  }

  private async taken(
    context: EventContext<'AppointmentBookedV1' | 'AppointmentRescheduledV1'>,
    appointment: ScheduledAppointment,
  ): Promise<void> {
    if (appointment.start === undefined || appointment.end === undefined) return;
    await this.slots.onAppointmentBooked(
      context.manager,
      context.envelope.tenantId,
      {
        patientId: appointment.patient?.patientId ?? '',
        appointmentTypeCode: appointment.appointmentTypeCode,
        providerId: appointment.provider?.providerId ?? '',
        start: timestampDate(appointment.start),
        end: timestampDate(appointment.end),
      },
      this.clock.now(),
    );
  }

  private async open(
    context: EventContext<'AppointmentCancelledV1' | 'AppointmentRescheduledV1'>,
    appointment: ScheduledAppointment,
    start: Timestamp | undefined,
    end: Timestamp | undefined,
  ): Promise<void> {
    const providerId = appointment.provider?.providerId ?? '';
    if (start === undefined || end === undefined || providerId === '') {
      // Without a provider nobody knows whose time was freed: nothing to offer.
      this.logger.log(
        { tenantId: context.envelope.tenantId, eventId: context.envelope.eventId },
        'freed time without a provider is not offered',
      );
      return;
    }
    const time: FreedTime = {
      appointmentId: appointment.appointmentId,
      start: timestampDate(start),
      end: timestampDate(end),
      timeZone: appointment.location?.timeZone ?? 'UTC',
      appointmentTypeCode: appointment.appointmentTypeCode,
      providerId,
      locationId: appointment.location?.locationId ?? '',
      locationName: appointment.location?.name ?? '',
      ehrAppointmentId: appointment.ehrAppointmentId,
      ehrVersion: appointment.ehrVersion,
    };
    await this.slots.openSlot(
      context.manager,
      context.envelope.tenantId,
      time,
      this.clock.now(),
      causedBy(context.envelope),
    );
  }
}
