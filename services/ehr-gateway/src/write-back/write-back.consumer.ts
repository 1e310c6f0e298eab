import { Injectable } from '@nestjs/common';

import { ResponseKind, timestampDate, Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';

import { type WriteBackActionName } from './write-back-job.entity';
import { WriteBackService } from './write-back.service';

/**
 * Patient responses, waitlist fills and dispatch reassignments → durable write-back jobs, staged in the transaction that records the
 * event in the inbox (a redelivery stages nothing). The EHR is called by WriteBackRelay,
 * never here: a slow EHR must not hold the partition.
 */
@Injectable()
export class WriteBackConsumer {
  constructor(private readonly writeBacks: WriteBackService) {}

  @EventHandler(Topics.MessagingPatientResponseV1, 'PatientRespondedV1')
  async onPatientResponded(context: EventContext<'PatientRespondedV1'>): Promise<void> {
    const { event, envelope } = context;
    const action = actionOf(event.kind);
    // RESCHEDULE_REQUESTED ("call me") has nothing to write: staff call the patient.
    if (!action) return;
    await this.writeBacks.stage(context.manager, {
      tenantId: envelope.tenantId,
      responseId: event.responseId,
      responseEventId: envelope.eventId,
      correlationId: envelope.correlationId || envelope.eventId,
      appointmentId: event.appointmentId,
      ehrAppointmentId: event.ehrAppointmentId,
      action,
      slotId: action === 'reschedule' ? event.slotId : null,
      newStart: action === 'reschedule' && event.newStart ? timestampDate(event.newStart) : null,
      newEnd: action === 'reschedule' && event.newEnd ? timestampDate(event.newEnd) : null,
    });
  }

  /**
   * A waitlist fill (the first acceptance of an offer) → a `book` job: the acceptor gets a new
   * Appointment in the freed time; or, for an acceptor who keeps a visit, a `move` job: that
   * visit moves to the freed time. The offer id is the job's idempotency key (response_id).
   */
  @EventHandler(Topics.WaitlistSlotV1, 'WaitlistBookingRequestedV1')
  async onWaitlistBookingRequested(
    context: EventContext<'WaitlistBookingRequestedV1'>,
  ): Promise<void> {
    const { event, envelope } = context;
    if (event.start === undefined || event.end === undefined) return;
    const common = {
      tenantId: envelope.tenantId,
      responseId: event.offerId,
      responseEventId: envelope.eventId,
      correlationId: envelope.correlationId || envelope.eventId,
      appointmentId: event.freedByAppointmentId,
      slotId: null,
      newStart: timestampDate(event.start),
      newEnd: timestampDate(event.end),
    };
    if (event.keptEhrAppointmentId !== '') {
      // The acceptor keeps a visit: that Appointment moves (its jobs run in order with it, and
      // its echo is recognised as this write-back's).
      await this.writeBacks.stage(context.manager, {
        ...common,
        ehrAppointmentId: event.keptEhrAppointmentId,
        action: 'move',
        expectedVersion: event.keptEhrVersion === '' ? null : event.keptEhrVersion,
        freedEhrAppointmentId: event.freedEhrAppointmentId,
        freedEhrVersion: event.freedEhrVersion === '' ? null : event.freedEhrVersion,
      });
      return;
    }
    await this.writeBacks.stage(context.manager, {
      ...common,
      ehrAppointmentId: event.freedEhrAppointmentId,
      action: 'book',
      ehrPatientId: event.ehrPatientId,
      expectedVersion: event.freedEhrVersion === '' ? null : event.freedEhrVersion,
    });
  }

  /**
   * A dispatch plan moved a visit to another provider → a `reassign` job (the request id is its
   * idempotency key). A newer request for the appointment supersedes an older one not yet run.
   */
  @EventHandler(Topics.DispatchEhrAssignmentV1, 'AssignmentWriteBackRequestedV1')
  async onAssignmentWriteBackRequested(
    context: EventContext<'AssignmentWriteBackRequestedV1'>,
  ): Promise<void> {
    const { event, envelope } = context;
    await this.writeBacks.stage(context.manager, {
      tenantId: envelope.tenantId,
      responseId: event.requestId,
      responseEventId: envelope.eventId,
      correlationId: envelope.correlationId || envelope.eventId,
      appointmentId: event.appointmentId,
      ehrAppointmentId: event.ehrAppointmentId,
      action: 'reassign',
      slotId: null,
      newStart: null,
      newEnd: null,
      ehrPractitionerId: event.ehrPractitionerId,
      bookedEhrPractitionerId: event.bookedEhrPractitionerId,
    });
  }
}

function actionOf(kind: ResponseKind): WriteBackActionName | undefined {
  switch (kind) {
    case ResponseKind.CONFIRMED:
      return 'confirm';
    case ResponseKind.CANCELLED:
      return 'cancel';
    case ResponseKind.RESCHEDULED:
      return 'reschedule';
    case ResponseKind.RESCHEDULE_REQUESTED:
    case ResponseKind.UNSPECIFIED:
      return undefined;
  }
}
