import { Injectable } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { type EventContext, EventHandler } from '@caredispatch/kafka';

import { RosterImportService } from './roster-import.service';

/** `ehr.roster.v1` → the roster (inbox: a redelivery has no second effect). */
@Injectable()
export class EhrRosterConsumer {
  constructor(private readonly imports: RosterImportService) {}

  @EventHandler(Topics.EhrRosterV1, 'EhrRosterFetchedV1')
  async onFetched(ctx: EventContext<'EhrRosterFetchedV1'>): Promise<void> {
    await this.imports.applyFetched(ctx.manager, ctx.envelope.tenantId, ctx.event);
  }

  @EventHandler(Topics.EhrRosterV1, 'EhrRosterFetchFailedV1')
  async onFailed(ctx: EventContext<'EhrRosterFetchFailedV1'>): Promise<void> {
    await this.imports.applyFailed(
      ctx.manager,
      ctx.envelope.tenantId,
      ctx.event.importId,
      ctx.event.reason,
    );
  }
}
