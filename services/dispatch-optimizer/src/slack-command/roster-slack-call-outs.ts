import { Inject, Injectable } from '@nestjs/common';

import { CallOutPort } from '../call-outs/call-out.model';
import { ROSTER_READER } from '../roster/roster-reader.token';
import { type RosterReader } from '../roster/roster.model';

import {
  type SlackCallOutPort,
  type SlackCallOutRequest,
  type SlackCallOutResult,
} from './call-out.port';

/** `/callout` → the provider whose itinerary channel is this Slack user → CallOutPort. */
@Injectable()
export class RosterSlackCallOuts implements SlackCallOutPort {
  constructor(
    @Inject(ROSTER_READER) private readonly roster: RosterReader,
    private readonly callOuts: CallOutPort,
  ) {}

  async callOutBySlackUser(request: SlackCallOutRequest): Promise<SlackCallOutResult> {
    const provider = await this.roster.providerBySlackUserId(request.tenantId, request.slackUserId);
    if (!provider) return { outcome: 'unknown-provider' };
    const outcome = await this.callOuts.callOut({
      tenantId: request.tenantId,
      providerId: provider.providerId,
      from: request.from.toISOString(),
      until: null,
      reason: request.reason,
      source: 'slack',
      idempotencyKey: request.idempotencyKey,
    });
    return { outcome: 'accepted', callOutId: outcome.callOutId };
  }
}
