import { Inject, Injectable, Logger } from '@nestjs/common';

import { timestampDate, Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler, PermanentEventError } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { waitlistEntryBodySchema } from './dto/waitlist-entry.schemas';
import { earlierTimeWindow } from './earlier-time-window';
import { type ContactChannel } from './waitlist-entry.entity';
import { WaitlistEntryService } from './waitlist-entry.service';

/**
 * A patient pressed "Ask for an earlier time" on their visit's link page (messaging's
 * PatientRequestedEarlierTimeV1) → an entry for the visit's type, or a merge into their open
 * one, in the inbox transaction: a redelivered request changes nothing, a second request
 * merges. Acceptable: the visit's provider and location, the days before the visit; offered on
 * the channels the patient had consented to when asking.
 */
@Injectable()
export class EarlierTimeRequestsConsumer {
  private readonly logger = new Logger(EarlierTimeRequestsConsumer.name);

  constructor(
    private readonly entries: WaitlistEntryService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventHandler(Topics.MessagingPatientResponseV1, 'PatientRequestedEarlierTimeV1')
  async onRequested(ctx: EventContext<'PatientRequestedEarlierTimeV1'>): Promise<void> {
    const { tenantId } = ctx.envelope;
    const { event } = ctx;
    if (event.currentStart === undefined) {
      throw new PermanentEventError('CONTRACT_VIOLATION', 'earlier-time request without a start');
    }
    const now = this.clock.now();
    const channels: ContactChannel[] = [
      ...(event.smsConsent ? ['sms' as const] : []),
      ...(event.emailConsent ? ['email' as const] : []),
    ];
    // The staff API's own rules (ids, dates), so a request can never hold what staff could not.
    const parsed = waitlistEntryBodySchema.safeParse({
      patientId: event.patientId,
      appointmentTypeCode: event.appointmentTypeCode,
      providerIds: event.providerId === '' ? [] : [event.providerId],
      locationIds: event.locationId === '' ? [] : [event.locationId],
      ...earlierTimeWindow(now, timestampDate(event.currentStart), event.timeZone),
      channels,
    });
    if (!parsed.success) {
      // Field paths only: never the values.
      throw new PermanentEventError(
        'CONTRACT_VIOLATION',
        `earlier-time request rejected: ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`,
      );
    }
    const { entry, merged } = await this.entries.requestEarlierIn(
      ctx.manager,
      tenantId,
      {
        ...parsed.data,
        appointmentId: event.appointmentId,
        ehrAppointmentId: event.ehrAppointmentId,
        appointmentRevision: event.appointmentRevision,
      },
      now,
    );
    this.logger.log({
      message: 'earlier time requested',
      tenantId,
      requestId: event.requestId,
      appointmentId: event.appointmentId,
      entryId: entry.id,
      merged,
    });
  }
}
