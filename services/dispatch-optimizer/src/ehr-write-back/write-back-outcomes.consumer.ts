import { Injectable } from '@nestjs/common';

import { Topics, WriteBackAction, WriteBackFailureReason } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';

import { ExceptionsService } from '../exceptions/exceptions.service';

/**
 * ehr-gateway could not write a plan's reassignment back (`ehr.write-back.v1`
 * WriteBackFailedV1, action REASSIGN) → the coordinators' exceptions queue, once per request.
 * Dispatch does not ask again for the same assignment: a practitioner staff chose stays.
 */
@Injectable()
export class WriteBackOutcomesConsumer {
  constructor(private readonly exceptions: ExceptionsService) {}

  @EventHandler(Topics.EhrWriteBackV1, 'WriteBackFailedV1')
  async onFailed(context: EventContext<'WriteBackFailedV1'>): Promise<void> {
    const { event, envelope } = context;
    if (event.action !== WriteBackAction.REASSIGN) return;
    await this.exceptions.report(
      {
        tenantId: envelope.tenantId,
        kind: 'ehr-write-back-failed',
        // The enum's name (e.g. SUPERSEDED_BY_STAFF); a newer producer's number stays a number.
        reason: String(
          (WriteBackFailureReason[event.reason] as string | undefined) ?? event.reason,
        ),
        appointmentId: event.appointmentId,
        dedupeKey: `ehr-write-back:${event.responseId}`,
        detail: {
          ehrAppointmentId: event.ehrAppointmentId,
          httpStatus: event.httpStatus,
          staffActionRequired: event.staffActionRequired,
        },
      },
      context.manager,
    );
  }
}
