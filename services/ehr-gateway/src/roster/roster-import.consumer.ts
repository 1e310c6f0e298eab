import { Injectable } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';

import { RosterImportService } from './roster-import.service';

/**
 * Roster import requests → durable jobs, staged with the inbox row (a redelivery stages
 * nothing). The EHR is read by the relay, never here: paging a slow EHR must not hold the
 * partition or a database transaction.
 */
@Injectable()
export class RosterImportConsumer {
  constructor(private readonly imports: RosterImportService) {}

  @EventHandler(Topics.DispatchRosterImportV1, 'RosterImportRequestedV1')
  async onRequested(context: EventContext<'RosterImportRequestedV1'>): Promise<void> {
    const { event, envelope } = context;
    await this.imports.stage(context.manager, {
      tenantId: envelope.tenantId,
      importId: event.importId,
      requestEventId: envelope.eventId,
      correlationId: envelope.correlationId || envelope.eventId,
    });
  }
}
